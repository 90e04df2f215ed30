#include "ops/verdict.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace dk::ops {

namespace {

constexpr std::pair<Lookup, std::string_view> lookup_names[] = {
    {Lookup::secure, "secure"},
    {Lookup::secure_denial, "secure-denial"},
    {Lookup::insecure, "insecure"},
    {Lookup::failed, "failed"},
    {Lookup::unreachable, "unreachable"}};

// Each verdict's name and severity (the worst of a domain's hosts is its verdict).
struct VerdictFacts {
    Verdict verdict;
    std::string_view name;
    int severity;
};
constexpr VerdictFacts verdicts[] = {
    {Verdict::verified, "dane-verified", 0}, {Verdict::no_dane, "no-dane", 1},
    {Verdict::insecure, "insecure", 1},      {Verdict::unknown, "unknown", 2},
    {Verdict::tempfail, "tempfail", 3},      {Verdict::dane_failed, "dane-failed", 4}};
constexpr VerdictFacts unlisted_verdict{Verdict::dane_failed, "?", 4};

const VerdictFacts& facts_of(Verdict verdict) {
    const auto* f = std::find_if(std::begin(verdicts), std::end(verdicts),
                                 [&](const VerdictFacts& v) { return v.verdict == verdict; });
    return f != std::end(verdicts) ? *f : unlisted_verdict;
}

}  // namespace

std::string_view to_string(Lookup lookup) {
    const auto* it = std::find_if(std::begin(lookup_names), std::end(lookup_names),
                                  [&](const auto& entry) { return entry.first == lookup; });
    return it != std::end(lookup_names) ? it->second : "?";
}

std::string_view to_string(Verdict verdict) {
    return facts_of(verdict).name;
}

int severity(Verdict verdict) {
    return facts_of(verdict).severity;
}

std::vector<TlsaRecord> usable_records(const std::vector<TlsaRecord>& records) {
    std::vector<TlsaRecord> out;
    std::copy_if(records.begin(), records.end(), std::back_inserter(out), [](const auto& r) {
        return (r.usage == 2 || r.usage == 3) && r.selector <= 1 && r.mtype <= 2;
    });
    return out;
}

namespace {

HostVerdict judge_probes(const HostObservation& host) {
    if (!host.address_problem.empty())
        return {Verdict::tempfail, "no address: " + host.address_problem};
    if (host.probes.empty()) return {Verdict::tempfail, "no address to connect to"};
    std::vector<std::string> failed;
    std::vector<std::string> unreachable;
    for (const auto& p : host.probes) {
        if (p.dane_ok) continue;
        const std::string where =
            p.algorithm.empty() ? p.address : p.address + " (" + p.algorithm + " chain)";
        (p.environment_failure ? unreachable : failed).push_back(where + ": " + p.problem);
    }
    if (!failed.empty()) {
        return {Verdict::dane_failed,
                "DANE applies and " + failed.front() +
                    " (RFC 7672 section 2.2: a sender does not deliver to this address)"};
    }
    if (unreachable.size() == host.probes.size())
        return {Verdict::tempfail, "no address answered: " + unreachable.front()};
    if (!unreachable.empty())
        return {Verdict::dane_failed, "DANE applies but " + unreachable.front()};
    return {Verdict::verified, "every address presents a chain that matches the TLSA RRset"};
}

}  // namespace

namespace {

// What an MX or TLSA lookup without a validated answer means for the host (nullopt: it
// validated); `unanswered`, `failed` and `insecure` end the texts.
std::optional<HostVerdict> unvalidated(Lookup lookup, const std::string& rrset,
                                       const std::string& unanswered, const std::string& failed,
                                       const std::string& insecure) {
    switch (lookup) {
        case Lookup::unreachable:
            return HostVerdict{Verdict::unknown,
                               "the resolver did not answer the " + rrset + " query" + unanswered};
        case Lookup::failed:
            return HostVerdict{
                Verdict::tempfail,
                rrset + " lookup failed (bogus or SERVFAIL): a sender defers" + failed};
        case Lookup::insecure:
            return HostVerdict{Verdict::insecure, "the " + rrset +
                                                      " RRset is not DNSSEC-validated: DANE does "
                                                      "not apply" +
                                                      insecure};
        case Lookup::secure:
        case Lookup::secure_denial:
            break;
    }
    return std::nullopt;
}

}  // namespace

HostVerdict judge_host(const HostObservation& host) {
    const std::string address_problem =
        host.address_problem.empty() ? "" : ": " + host.address_problem;
    if (auto v = unvalidated(host.mx, "MX", address_problem, "", " (RFC 7672 section 2.2.1)"))
        return *v;
    if (host.tlsa == Lookup::insecure && host.records.empty()) {
        return {Verdict::insecure,
                "empty TLSA answer without the AD bit: the denial is not DNSSEC-validated, so "
                "nothing proves the records absent; DANE does not apply"};
    }
    if (auto v = unvalidated(host.tlsa, "TLSA", "", " (RFC 7672 section 2.2)", "")) return *v;
    if (host.tlsa == Lookup::secure_denial)
        return {Verdict::no_dane, "validated denial: no TLSA records, opportunistic TLS only"};
    if (usable_records(host.records).empty()) {
        return {Verdict::no_dane,
                "no usable TLSA record (only 2 and 3 count, RFC 7672 section 3.1.3): "
                "opportunistic TLS only"};
    }
    return judge_probes(host);
}

}  // namespace dk::ops
