// danekeeper check DOMAIN...: what a DANE-validating sender (RFC 7672) concludes for each MX
// host of each domain, with the evidence; --nagios for monitoring.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/endpoint.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "config/config.h"
#include "ops/check_report.h"
#include "service/observe/check_observer.h"

namespace dk::cli {
namespace {

std::vector<std::string> chain_match_texts(const probe::ProbeResult& r) {
    std::vector<std::string> out;
    for (const auto& m : r.chain_matches) out.push_back(m.rdata_text());
    return out;
}

// The records besides the one OpenSSL stopped at that the sent chain matches (a 2 1 1 with the
// 3 1 1), so a sender's view shows which of them stand.
std::string also_matched(const probe::ProbeResult& r) {
    std::string out;
    for (const auto& m : r.chain_matches) {
        if (m == r.matched) continue;
        out += (out.empty() ? "; the sent chain also matches " : ", ") + m.rdata_text();
    }
    return out;
}

std::vector<std::string> record_texts(const std::vector<TlsaRecord>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.rdata_text());
    return out;
}

nlohmann::json probe_json(const probe::ProbeResult& r) {
    return {{"address", r.address},
            {"algorithm", r.key_family},
            {"tls_version", r.tls_version},
            {"cipher", r.cipher},
            {"forward_secret", r.forward_secret},
            {"leaf_spki_sha256", r.leaf_spki_sha256 ? to_hex(*r.leaf_spki_sha256) : ""},
            {"issuer", r.issuer},
            {"not_after", r.not_after},
            {"dane_ok", r.dane_ok},
            {"matched", r.matched ? r.matched->rdata_text() : ""},
            {"chain_matches", chain_match_texts(r)},
            {"problem", r.problem}};
}

std::vector<const probe::ProbeResult*> probes_of(const service::CheckedDomain& d,
                                                 const std::string& host) {
    std::vector<const probe::ProbeResult*> out;
    for (const auto& p : d.probes) {
        if (p.endpoint.rfind(host + ":", 0) == 0) out.push_back(&p);
    }
    return out;
}

void print_text(const service::CheckedDomain& d, const std::vector<ops::CheckedHost>& verdicts) {
    if (!d.problem.empty()) std::printf("FAIL %s: %s\n", d.domain.c_str(), d.problem.c_str());
    for (std::size_t i = 0; i < d.hosts.size(); ++i) {
        const auto& h = d.hosts[i];
        const auto& v = verdicts[i].verdict;
        std::printf("%-13s %s %s (MX %d, mx=%s, tlsa=%s): %s\n",
                    std::string(to_string(v.verdict)).c_str(), d.domain.c_str(), h.host.c_str(),
                    h.preference, std::string(to_string(h.mx)).c_str(),
                    std::string(to_string(h.tlsa)).c_str(), v.reason.c_str());
        for (const auto& c : h.tlsa_cnames) std::printf("    CNAME -> %s\n", c.c_str());
        for (const auto& r : h.records) std::printf("    TLSA %s\n", r.rdata_text().c_str());
        const bool dane = !ops::usable_records(h.records).empty();
        for (const auto* p : probes_of(d, h.host)) {
            std::string outcome = p->problem;
            if (p->dane_ok) outcome = "matched " + p->matched->rdata_text() + also_matched(*p);
            if (!dane && !p->tls_version.empty()) outcome = "(no DANE to verify)";
            const std::string where =
                p->key_family.empty() ? p->address : p->address + " " + p->key_family;
            std::printf("    [%s] %s %s%s %s\n", where.c_str(),
                        p->tls_version.empty() ? "no TLS" : p->tls_version.c_str(),
                        p->cipher.c_str(), p->forward_secret ? " (forward secret)" : "",
                        outcome.c_str());
        }
    }
}

nlohmann::json domain_json(const service::CheckedDomain& d,
                           const std::vector<ops::CheckedHost>& verdicts) {
    nlohmann::json hosts = nlohmann::json::array();
    for (std::size_t i = 0; i < d.hosts.size(); ++i) {
        const auto& h = d.hosts[i];
        nlohmann::json addresses = nlohmann::json::array();
        for (const auto* p : probes_of(d, h.host)) addresses.push_back(probe_json(*p));
        hosts.push_back({{"host", h.host},
                         {"preference", h.preference},
                         {"mx_lookup", to_string(h.mx)},
                         {"tlsa_lookup", to_string(h.tlsa)},
                         {"tlsa", record_texts(h.records)},
                         {"tlsa_cnames", h.tlsa_cnames},
                         {"address_problem", h.address_problem},
                         {"verdict", to_string(verdicts[i].verdict.verdict)},
                         {"reason", verdicts[i].verdict.reason},
                         {"addresses", addresses}});
    }
    return {{"domain", d.domain}, {"problem", d.problem}, {"hosts", hosts}};
}

Result<HostPort> resolver_from(const cxxopts::ParseResult& parsed, const Invocation& inv) {
    if (parsed.count("resolver")) {
        auto r = parse_host_port(parsed["resolver"].as<std::string>(), 53);
        if (!r.ok()) return r.error().context("--resolver");
        return *r;
    }
    DK_TRY(config::Config c,
           config::load_config(inv.globals.config_path.value_or(config::default_config_path)));
    if (!c.resolver) return Error::bad_input(c.source + ": [dns] resolver: needed by check");
    return *c.resolver;
}

}  // namespace

int run_check(const Invocation& inv) {
    VerbOptions options(inv,
                        "RFC 7672 verdict for every MX host of DOMAIN... (exit 0 all "
                        "DANE-verified, 1 otherwise, 2 bad input, 3 resolver failure)");
    options.json().nagios().probe_timeout().positional();
    options.add()("resolver", "validating resolver IP:PORT (default: [dns] resolver)",
                  cxxopts::value<std::string>())("port", "SMTP port",
                                                 cxxopts::value<unsigned>()->default_value("25"));
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    const auto names = options.words();
    if (names.empty())
        return fail(Error::bad_input("usage: danekeeper check DOMAIN... (try --help)"));
    for (const auto& name : names) {
        if (!is_domain_name(name))
            return fail(Error::bad_input("'" + name + "' is not a domain name"));
    }
    const unsigned port = parsed["port"].as<unsigned>();
    if (port == 0 || port > 65535) return fail(Error::bad_input("--port: 1..65535"));
    auto resolver = resolver_from(parsed, inv);
    if (!resolver.ok()) return fail(resolver.error());

    const auto started = std::chrono::steady_clock::now();
    const auto domains =
        service::observe_domains(*resolver, names, static_cast<std::uint16_t>(port),
                                 std::chrono::seconds(parsed["timeout"].as<unsigned>()));
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;

    std::vector<ops::CheckedHost> all;
    std::vector<std::string> problems;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& d : domains) {
        std::vector<ops::CheckedHost> verdicts;
        for (const auto& h : d.hosts) verdicts.push_back({d.domain, h.host, ops::judge_host(h)});
        if (!d.problem.empty()) problems.push_back(d.domain + ": " + d.problem);
        if (parsed.count("json"))
            out.push_back(domain_json(d, verdicts));
        else if (!parsed.count("nagios"))
            print_text(d, verdicts);
        all.insert(all.end(), verdicts.begin(), verdicts.end());
    }
    if (parsed.count("nagios")) {
        const auto report = ops::check_nagios(all, problems, took.count());
        std::fputs(ops::format_nagios(report).c_str(), stdout);
        return static_cast<int>(report.state);
    }
    if (parsed.count("json")) std::printf("%s\n", out.dump(2).c_str());
    const int rc = ops::check_exit_code(all);
    return problems.empty() ? rc : 1;
}

}  // namespace dk::cli
