// danekeeper dns-status: what every authoritative server serves at a TLSA owner, validated.
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "base/endpoint.h"
#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/verb_options.h"
#include "service/observe/dns_view_adapter.h"
#include "service/runtime/runtime.h"
#include "service/signing/managed_keys.h"
#include "service/signing/parent_anchor.h"
#include "zone/resolver/authoritative.h"
#include "zone/resolver/resolver.h"
#include "zone/resolver/served_everywhere.h"
#include "zone/update_message.h"

namespace dk::cli {
namespace {

struct Verdict {
    bool consistent = true;
    bool validated = true;
    bool expected = true;
    bool reachable = true;
};

Verdict judge(const std::vector<zone::ServerView>& views, const std::vector<std::string>& expect) {
    Verdict v;
    const auto& primary = views.front();
    v.consistent = zone::served_everywhere(views, primary.serial, [&](const zone::ServerView& s) {
        return s.rdatas == primary.rdatas;
    });
    for (const auto& s : views) {
        v.reachable = v.reachable && s.answered;
        v.validated = v.validated && s.validated;
        for (const auto& e : expect) {
            v.expected =
                v.expected && std::find(s.rdatas.begin(), s.rdatas.end(), e) != s.rdatas.end();
        }
    }
    return v;
}

// One server's verdict: validated records, a proven absence, or why it is unvalidated.
std::string verdict_text(const zone::ServerView& s) {
    switch (s.verdict) {
        case zone::ServedVerdict::present:
            return "validated";
        case zone::ServedVerdict::absent:
            return "absent, validated (" + (s.denial ? zone::to_string(*s.denial) : "?") + ")";
        case zone::ServedVerdict::unvalidated:
            if (s.rdatas.empty()) return "unvalidated, NOT proven absent: " + s.problem;
            return "NOT validated: " + s.problem;
        case zone::ServedVerdict::unanswered:
            break;
    }
    return "unanswered: " + s.problem;
}

void print_human(const std::string& owner, const std::vector<zone::ServerView>& views,
                 TimePoint now) {
    std::printf("%s\n", owner.c_str());
    for (const auto& s : views) {
        if (!s.answered) {
            std::printf("  %-22s unreachable (%s): %s\n", s.server.to_string().c_str(),
                        zone::server_origin(s).c_str(), s.problem.c_str());
            continue;
        }
        std::printf("  %-22s serial %u, %zu TLSA, ttl %u, rrsig ttl %u, negative ttl %u, %s (%s)\n",
                    s.server.to_string().c_str(), s.serial, s.rdatas.size(), s.ttl,
                    s.rrsig_original_ttl, s.negative_ttl, verdict_text(s).c_str(),
                    zone::server_origin(s).c_str());
        for (const auto& c : s.cname_chain)
            std::printf("      CNAME -> %s (ttl %u)\n", c.c_str(), s.cname_ttl_max);
        for (const auto& r : s.rdatas) std::printf("      TLSA %s\n", r.c_str());
        if (s.rrsig_expiration) {
            const auto left =
                std::chrono::duration_cast<std::chrono::hours>(*s.rrsig_expiration - now).count();
            std::printf("      RRSIG inception %s, expiration %s (%lld h left)\n",
                        iso_time(*s.rrsig_inception).c_str(), iso_time(*s.rrsig_expiration).c_str(),
                        static_cast<long long>(left));
        }
    }
}

// The zone's DS at its parent: per parent server, the DS KSKs they match, the findings.
void print_parent(const zone::ParentDsCheck& p) {
    std::printf("DS of %s at the parent %s, validated from %s\n", p.zone.c_str(),
                p.parent_zone.c_str(), p.anchor_source.c_str());
    for (const auto& s : p.servers) {
        std::printf("  %-22s %s", s.server.to_string().c_str(),
                    s.validated ? "validated" : ("NOT validated: " + s.problem).c_str());
        if (s.validated) std::printf(", %zu DS, ttl %u", s.ds.size(), s.ttl);
        std::printf("\n");
    }
    for (const auto& m : p.matches) {
        std::printf("      DS %s: %s\n", m.ds.c_str(),
                    m.ksk ? ("KSK " + std::to_string(*m.ksk)).c_str() : "matches NO served KSK");
    }
    for (const auto& f : p.findings) std::printf("  finding: %s\n", f.c_str());
    for (const auto& f : p.fixes) std::printf("  fix: %s\n", f.c_str());
    for (const auto& n : p.notes) std::printf("  note: %s\n", n.c_str());
}

nlohmann::json parent_json(const zone::ParentDsCheck& p) {
    nlohmann::json servers = nlohmann::json::array();
    for (const auto& s : p.servers) {
        servers.push_back({{"server", s.server.to_string()},
                           {"answered", s.answered},
                           {"validated", s.validated},
                           {"ds", s.ds},
                           {"ttl", s.ttl},
                           {"problem", s.problem}});
    }
    nlohmann::json matches = nlohmann::json::array();
    for (const auto& m : p.matches)
        matches.push_back({{"ds", m.ds}, {"ksk", m.ksk ? nlohmann::json(*m.ksk) : nullptr}});
    return {{"zone", p.zone},
            {"parent_zone", p.parent_zone},
            {"anchor", p.anchor_source},
            {"servers", servers},
            {"validated_ds", p.validated_ds},
            {"matches", matches},
            {"findings", p.findings},
            {"fixes", p.fixes},
            {"notes", p.notes},
            {"proven", p.proven()}};
}

nlohmann::json to_json(const std::string& owner, const std::vector<zone::ServerView>& views) {
    nlohmann::json servers = nlohmann::json::array();
    for (const auto& s : views) {
        servers.push_back(
            {{"server", s.server.to_string()},
             {"family", zone::address_family(s.server.host)},
             {"ns_name", s.ns_name},
             {"answered", s.answered},
             {"serial", s.serial},
             {"tlsa", s.rdatas},
             {"ttl", s.ttl},
             {"rrsig_original_ttl", s.rrsig_original_ttl},
             {"negative_ttl", s.negative_ttl},
             {"cnames", s.cname_chain},
             {"cname_ttl_max", s.cname_ttl_max},
             {"validated", s.validated},
             {"verdict", zone::to_string(s.verdict)},
             {"denial", s.denial ? zone::to_string(*s.denial) : ""},
             {"problem", s.problem},
             {"rrsig_expiration", s.rrsig_expiration ? iso_time(*s.rrsig_expiration) : ""}});
    }
    return {{"owner", owner}, {"servers", servers}};
}

}  // namespace

int run_dns_status(const Invocation& inv) {
    VerbOptions options(
        inv,
        "Ask every authoritative server (RD=0, DNSSEC) about a TLSA owner; exit 0 when all agree");
    options.add()("zone", "the zone", cxxopts::value<std::string>())(
        "owner", "TLSA owner, relative or absolute",
        cxxopts::value<std::string>()->default_value("_25._tcp.mx1"))(
        "server",
        "authoritative server IP:PORT (repeatable; one alone: its NS RRset gives the rest)",
        cxxopts::value<std::vector<std::string>>())(
        "trust-anchor", "DS/DNSKEY file to validate against (default with --config: its own)",
        cxxopts::value<std::string>())("expect", "a record every server must serve (repeatable)",
                                       cxxopts::value<std::vector<std::string>>())(
        "wait", "poll until every server agrees, up to SECONDS",
        cxxopts::value<unsigned>()->default_value("0"))(
        "resolver",
        "also ask this validating resolver (and resolve NS names outside the zone through it); "
        "the AD bit is required",
        cxxopts::value<std::string>());
    options.json();
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();

    if (!parsed.count("zone") || !parsed.count("server"))
        return fail(Error::bad_input("dns-status needs --zone and --server"));
    const std::string zone_name = absolute_name(parsed["zone"].as<std::string>());
    if (!is_domain_name(zone_name))
        return fail(Error::bad_input("--zone: '" + parsed["zone"].as<std::string>() +
                                     "' is not a domain name"));
    auto owner = zone::absolute_owner(parsed["owner"].as<std::string>(), zone_name);
    if (!owner.ok()) return fail(owner.error());
    zone::TlsaViewOptions view_options;
    view_options.zone = zone_name;
    for (const auto& text : parsed["server"].as<std::vector<std::string>>()) {
        auto hp = parse_host_port(text, 53);
        if (!hp.ok()) return fail(hp.error().context("--server"));
        if (!is_ip_address(hp->host))
            return fail(Error::bad_input("--server: '" + hp->host + "' is not an IP address"));
        view_options.servers.push_back(*hp);
    }
    std::optional<HostPort> asked_resolver;  // --resolver
    if (parsed.count("resolver")) {
        auto resolver = parse_host_port(parsed["resolver"].as<std::string>(), 53);
        if (!resolver.ok()) return fail(resolver.error().context("--resolver"));
        asked_resolver = *resolver;
    }
    // Out-of-zone NS names are resolved through --resolver, else the configuration's resolver.
    std::optional<HostPort> ns_resolver = asked_resolver;
    std::unique_ptr<service::Runtime> runtime;
    const config::ZoneConfig* zone_config = nullptr;
    if (parsed.count("trust-anchor")) {
        view_options.trust_anchor_file = parsed["trust-anchor"].as<std::string>();
    } else if (inv.globals.config_path) {
        // With --config: its trust anchor, and for a zone whose keys danekeeper rolls, the KSKs
        // whose DS the parent serves (as the engine validates); or the parent's validated DS
        // when the configuration anchors the zone there (below, once the servers are known).
        auto rt = service::open_runtime(inv.globals.config_path, service::Locking::reader);
        if (!rt.ok()) return fail(rt.error());
        runtime = std::move(*rt);
        view_options.trust_anchor_file = runtime->config.trust_anchor_file;
        if (!ns_resolver) ns_resolver = runtime->config.resolver;
        zone_config = runtime->config.zone(zone_name);
        if (zone_config != nullptr)
            view_options.vouched_ds = service::vouched_ksk_ds(runtime->store, *zone_config);
    }
    std::vector<std::string> expect;
    if (parsed.count("expect")) {
        for (const auto& e : parsed["expect"].as<std::vector<std::string>>()) {
            auto r = parse_tlsa_rdata(e);
            if (!r.ok()) return fail(r.error().context("--expect"));
            expect.push_back(r->rdata_text());
        }
    }
    // Made once before any query, so a bad trust anchor is refused without asking anyone.
    auto view = zone::TlsaView::create(view_options);
    if (!view.ok()) return fail(view.error());
    if (view_options.servers.size() == 1) {
        auto found = zone::discover_authoritative(view_options.servers.front(), zone_name,
                                                  view_options.transport, ns_resolver);
        if (!found.ok()) return fail(found.error());
        view_options.servers = std::move(found->servers);
        view_options.ns_names = std::move(found->ns_names);
        view_options.unresolved = std::move(found->unresolved);
        view = zone::TlsaView::create(view_options);
        if (!view.ok()) return fail(view.error());
    }
    SystemClock clock;
    std::optional<zone::ParentDsCheck> parent;
    if (zone_config != nullptr) {
        auto checked =
            service::anchor_at_parent(view_options, runtime->config, *zone_config, clock.now());
        if (!checked.ok()) return fail(checked.error());
        parent = std::move(*checked);
        if (parent) {
            view = zone::TlsaView::create(view_options);
            if (!view.ok()) return fail(view.error());
        }
    }
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::seconds(parsed["wait"].as<unsigned>());
    std::vector<zone::ServerView> views;
    Verdict v;
    while (true) {
        views = view->observe(*owner, clock.now());
        v = judge(views, expect);
        if ((v.consistent && v.validated && v.expected) ||
            std::chrono::steady_clock::now() >= deadline)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    // The validating resolver's view: what senders get. An answer without AD is not trusted.
    std::string resolver_verdict;
    if (asked_resolver) {
        const HostPort* resolver = &*asked_resolver;
        auto found = zone::lookup_tlsa(*resolver, *owner);
        if (!found.ok()) {
            resolver_verdict = found.error().message;
            v.validated = false;
            v.reachable = v.reachable && found.error().kind != ErrorKind::environment;
        } else if (found->verdict == zone::ResolverVerdict::answer) {
            resolver_verdict = "resolver " + resolver->to_string() + ": AD, " +
                               std::to_string(found->tlsa.size()) + " TLSA";
        } else {  // a validated denial: securely empty
            resolver_verdict = "resolver " + resolver->to_string() + ": AD, no TLSA";
        }
    }
    // Anchored at the parent: a DS that does not validate everywhere or matches no served KSK.
    if (parent && !parent->proven()) v.validated = false;
    if (parsed.count("json")) {
        auto j = to_json(*owner, views);
        if (parent) j["parent"] = parent_json(*parent);
        if (!resolver_verdict.empty()) j["resolver"] = resolver_verdict;
        j["consistent"] = v.consistent;
        j["validated"] = v.validated;
        j["expected_present"] = v.expected;
        std::printf("%s\n", j.dump(2).c_str());
    } else {
        if (parent) print_parent(*parent);
        print_human(*owner, views, clock.now());
        if (!resolver_verdict.empty()) std::printf("  %s\n", resolver_verdict.c_str());
        std::printf("%s, %s%s\n", v.consistent ? "every server agrees" : "servers DISAGREE",
                    v.validated ? "validated" : "NOT validated",
                    v.expected ? "" : ", expected records MISSING");
    }
    if (!v.reachable) return 3;
    return v.consistent && v.validated && v.expected ? 0 : 1;
}

}  // namespace dk::cli
