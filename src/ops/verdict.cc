#include "ops/verdict.h"

#include <algorithm>

namespace dk::ops {

std::string_view to_string(Lookup lookup) {
    switch (lookup) {
        case Lookup::secure:
            return "secure";
        case Lookup::secure_denial:
            return "secure-denial";
        case Lookup::insecure:
            return "insecure";
        case Lookup::failed:
            return "failed";
        case Lookup::unreachable:
            return "unreachable";
    }
    return "?";
}

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::verified:
            return "dane-verified";
        case Verdict::dane_failed:
            return "dane-failed";
        case Verdict::no_dane:
            return "no-dane";
        case Verdict::insecure:
            return "insecure";
        case Verdict::tempfail:
            return "tempfail";
        case Verdict::unknown:
            return "unknown";
    }
    return "?";
}

int severity(Verdict verdict) {
    switch (verdict) {
        case Verdict::verified:
            return 0;
        case Verdict::no_dane:
        case Verdict::insecure:
            return 1;
        case Verdict::unknown:
            return 2;
        case Verdict::tempfail:
            return 3;
        case Verdict::dane_failed:
            return 4;
    }
    return 4;
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
        (p.environment_failure ? unreachable : failed).push_back(p.address + ": " + p.problem);
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

HostVerdict judge_host(const HostObservation& host) {
    switch (host.mx) {
        case Lookup::unreachable:
            return {Verdict::unknown,
                    "the resolver did not answer the MX query" +
                        (host.address_problem.empty() ? "" : ": " + host.address_problem)};
        case Lookup::failed:
            return {Verdict::tempfail, "MX lookup failed (bogus or SERVFAIL): a sender defers"};
        case Lookup::insecure:
            return {Verdict::insecure,
                    "the MX RRset is not DNSSEC-validated: DANE does not apply (RFC 7672 "
                    "section 2.2.1)"};
        case Lookup::secure:
        case Lookup::secure_denial:
            break;
    }
    switch (host.tlsa) {
        case Lookup::unreachable:
            return {Verdict::unknown, "the resolver did not answer the TLSA query"};
        case Lookup::failed:
            return {Verdict::tempfail,
                    "TLSA lookup failed (bogus or SERVFAIL): a sender defers (RFC 7672 section "
                    "2.2)"};
        case Lookup::insecure:
            return {Verdict::insecure,
                    "the TLSA RRset is not DNSSEC-validated: DANE does not apply"};
        case Lookup::secure_denial:
            return {Verdict::no_dane, "validated denial: no TLSA records, opportunistic TLS only"};
        case Lookup::secure:
            break;
    }
    if (usable_records(host.records).empty()) {
        return {Verdict::no_dane,
                "no usable TLSA record (only 2 and 3 count, RFC 7672 section 3.1.3): "
                "opportunistic TLS only"};
    }
    return judge_probes(host);
}

}  // namespace dk::ops
