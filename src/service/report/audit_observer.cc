#include "service/report/audit_observer.h"

#include <algorithm>

#include "base/files.h"
#include "cert/chain.h"
#include "cert/chain_matches.h"
#include "cert/issuer_ca.h"
#include "probe/probe.h"
#include "service/mtasts/policy_keeper.h"
#include "service/observe/check_observer.h"
#include "service/observe/dns_view_adapter.h"
#include "service/signing/managed_keys.h"
#include "service/signing/parent_anchor.h"
#include "zone/resolver/resolver.h"

namespace dk::service {
namespace {

ops::ServerEvidence evidence(const zone::ServerView& v) {
    // Every server with its address family and NS name: "[::1]:53 (IPv6, NS ns2.example.net.)".
    return {v.server.to_string() + " (" + zone::server_origin(v) + ")",
            v.answered,
            v.problem,
            v.serial,
            v.rdatas,
            v.ttl,
            v.validated,
            v.rrsig_expiration,
            v.cname_chain};
}

ops::AddressEvidence evidence(const probe::ProbeResult& r) {
    ops::AddressEvidence a;
    a.address = r.address;
    a.algorithm = r.key_family;
    a.tls = !r.tls_version.empty();
    a.tls_version = r.tls_version;
    a.cipher = r.cipher;
    a.forward_secret = r.forward_secret;
    a.leaf_spki_sha256 = r.leaf_spki_sha256 ? to_hex(*r.leaf_spki_sha256) : "";
    a.issuer = r.issuer;
    a.issuer_spki_sha256 = r.issuer_spki_sha256 ? to_hex(*r.issuer_spki_sha256) : "";
    a.dane_ok = r.dane_ok;
    a.matched = r.matched ? r.matched->rdata_text() : "";
    for (const auto& m : r.chain_matches) {
        if (m != r.matched) a.also_matched.push_back(m.rdata_text());
    }
    a.problem = r.problem;
    return a;
}

ops::OwnerFacts owner_facts(const std::string& owner, const std::vector<zone::ServerView>& views) {
    ops::OwnerFacts o;
    o.owner = owner;
    o.observed = !views.empty();
    o.validated = o.observed;
    for (const auto& v : views) {
        o.validated = o.validated && v.answered && v.validated;
        o.ttls.push_back(served_ttls(v));
        if (v.rrsig_expiration &&
            (!o.rrsig_expiration || *v.rrsig_expiration < *o.rrsig_expiration))
            o.rrsig_expiration = v.rrsig_expiration;
    }
    if (!views.empty()) {
        for (const auto& text : views.front().rdatas) {
            if (auto r = parse_tlsa_rdata(text); r.ok()) o.records.push_back(*r);
        }
    }
    return o;
}

// What the served chain (cert_file) says: ACME-like lifetime, which records it matches.
void add_chain_facts(const config::SlotConfig& slot, ops::SlotFacts& facts) {
    auto pem = files::read_limited(slot.cert_file);
    if (!pem.ok()) return;
    auto chain = cert::parse_chain_pem(*pem, slot.cert_file);
    if (!chain.ok() || chain->empty()) return;
    facts.chain_known = true;
    const X509& leaf = *chain->front();
    facts.short_lived_certificate =
        cert::not_after(leaf) - cert::not_before(leaf) <= std::chrono::hours(24 * 100);
    std::vector<TlsaRecord> all;
    for (const auto& o : facts.owners) all.insert(all.end(), o.records.begin(), o.records.end());
    facts.matched_by_chain = cert::chain_matches(cert::borrow(*chain), all);
    facts.chain_issuer = cert::issuer_text(leaf);
}

// The slot's issuer_certificates (files the runtime checked already) and how a record at its
// owners is removed by hand.
void add_issuer_facts(const config::Config& config, const config::SlotConfig& slot,
                      ops::SlotFacts& facts) {
    for (const auto& path : slot.issuer_certificates) {
        if (auto ca = cert::read_issuer_ca(path); ca.ok())
            facts.listed_issuers.push_back({path, issuer_record(ca->spki_sha256)});
    }
    const config::ZoneConfig* zone = config.zone(slot.zone);
    if (zone == nullptr) return;
    if (zone->signed_file) {
        facts.unsigned_file = zone->signed_file->unsigned_file;
        return;
    }
    facts.publish_command = config::publish_command(*zone);
}

std::vector<std::string> anchor_ds(const config::Config& config) {
    if (!config.trust_anchor_file) return {};
    auto text = files::read_limited(*config.trust_anchor_file);
    if (!text.ok()) return {};
    auto ds = zone::trust_anchor_ds_texts(*text, *config.trust_anchor_file);
    return ds.ok() ? *ds : std::vector<std::string>{};
}

// The DS of every zone anchored at its parent, as evidence: the records every parent server
// serves validated, from which anchor, and which KSK each matches; whatever does not hold (a
// server without it, a DS that does not validate or matches no KSK) is an error finding.
void add_parent_ds(Runtime& rt, TimePoint now, AuditObservations& obs) {
    for (const auto& z : rt.config.zones) {
        const std::vector<HostPort> servers =
            z.authoritative.empty() ? std::vector<HostPort>{z.primary} : z.authoritative;
        auto check = check_parent_of(rt.config, z, now, servers);
        if (!check.ok()) {
            obs.problems.push_back(
                {"parent-ds", ops::Severity::error, z.name, check.error().message});
            continue;
        }
        if (!*check) continue;
        const auto& p = **check;
        std::string at;
        for (const auto& s : p.servers) {
            if (s.validated && !s.ds.empty()) at += (at.empty() ? "" : ", ") + s.server.to_string();
        }
        for (std::size_t i = 0; i < p.validated_ds.size(); ++i) {
            const auto& m = i < p.matches.size() ? p.matches[i] : zone::DsMatch{};
            obs.policy.trust_anchor_ds.push_back(
                p.validated_ds[i] + " (at the parent " + p.parent_zone + ": " + at +
                "; validated from " + p.anchor_source + "; " +
                (m.ksk ? "KSK " + std::to_string(*m.ksk) : std::string("matches no served KSK")) +
                ")");
        }
        for (const auto& f : p.findings)
            obs.problems.push_back({"parent-ds", ops::Severity::error, z.name, f});
        for (const auto& n : p.notes)
            obs.problems.push_back({"parent-ds", ops::Severity::warning, z.name, n});
    }
}

// Each zone's MX hosts and whether a validated TLSA RRset stands at _25._tcp.HOST.
std::vector<ops::MxFacts> mx_facts(const config::Config& config,
                                   std::vector<ops::Finding>& problems) {
    std::vector<ops::MxFacts> out;
    if (!config.resolver) {
        problems.push_back({"mx-not-checked", ops::Severity::warning, config.source,
                            "no [dns] resolver: the zones' MX hosts were not checked"});
        return out;
    }
    for (const auto& z : config.zones) {
        // The MX RRset as the resolver answers it, AD or not; each host's TLSA must be validated.
        auto reply = zone::ask_resolver(*config.resolver, z.name, zone::QueryType::mx);
        if (!reply.ok()) {
            problems.push_back(
                {"mx-not-checked", ops::Severity::error, z.name, reply.error().message});
            continue;
        }
        for (const auto& mx : reply->mx) {
            if (mx.host == ".") continue;
            std::string host = mx.host;
            if (host.back() == '.') host.pop_back();
            auto tlsa =
                zone::ask_resolver(*config.resolver, tlsa_owner(host, 25), zone::QueryType::tlsa);
            const bool has = tlsa.ok() && tlsa->verdict == zone::ResolverVerdict::answer;
            out.push_back({z.name, host, has, sender_lookup(tlsa)});
        }
    }
    return out;
}

}  // namespace

ops::LintPolicy lint_policy_for(const config::AuditConfig& audit) {
    ops::LintPolicy policy;
    policy.rrsig_warn_days = audit.rrsig_warn_days;
    policy.max_tlsa_records = static_cast<std::size_t>(audit.max_tlsa_records);
    return policy;
}

namespace {

// The slot's served chain and the one waiting for deployment, judged as MTA-STS senders judge
// them (service/mtasts/policy_keeper.h webpki_demands): refused under an enforce policy, or
// under a testing one only.
void add_mta_sts_refusals(const config::Config& config, const config::SlotConfig& slot,
                          const std::optional<engine::SlotState>& state, ops::SlotFacts& f) {
    const TimePoint now = SystemClock{}.now();
    const auto enforced = webpki_demands(config, slot, now);
    const auto all = webpki_demands(config, slot, now, MtaStsScope::testing_too);
    if (all.empty()) return;
    std::vector<std::pair<std::string, std::string>> chains{{"the served chain", slot.cert_file}};
    if (state) {
        const FileKeyVault vault(config.state_dir, slot);
        if (state->next && state->next_cert_not_after && !state->next_deployed)
            chains.emplace_back("the next key's chain", vault.chain_path(state->next->id));
        else if (state->current && state->renewal_cert_not_after)
            chains.emplace_back("the renewed chain", vault.chain_path(state->current->id));
    }
    for (const auto& [what, path] : chains) {
        auto text = files::read_limited(path);
        if (!text.ok()) continue;  // no chain yet: nothing senders could see
        auto chain = cert::parse_chain_pem(*text, path);
        if (!chain.ok()) continue;
        const auto refused = cert::webpki_refusals(*chain, enforced);
        for (const auto& line : refused) f.mta_sts_refused_enforce.push_back(what + ": " + line);
        for (const auto& line : cert::webpki_refusals(*chain, all)) {
            if (std::find(refused.begin(), refused.end(), line) == refused.end())
                f.mta_sts_refused_testing.push_back(what + ": " + line);
        }
    }
}

}  // namespace

std::vector<ops::SlotFacts> offline_slot_facts(const config::Config& config,
                                               engine::StateStore* states) {
    std::vector<ops::SlotFacts> out;
    for (const auto& slot : config.slots) {
        ops::SlotFacts f;
        f.slot = slot.name;
        if (const auto* z = config.zone(slot.zone)) f.tlsa_ttl = z->tlsa_ttl;
        f.renew_before_days = slot.renew_before_days;
        f.rollover_every_days = slot.rollover_every_days;
        f.margin_seconds = slot.margin_seconds;
        std::optional<engine::SlotState> loaded;
        if (states != nullptr) {
            auto state = states->load(slot.name);
            if (state.ok() && *state) loaded = std::move(**state);
            if (loaded && loaded->current) f.current_key_created = loaded->current->created_at;
        }
        add_mta_sts_refusals(config, slot, loaded, f);
        out.push_back(std::move(f));
    }
    return out;
}

Result<AuditObservations> observe_for_audit(Runtime& rt, TimePoint now) {
    AuditObservations obs;
    obs.policy.trust_anchor_ds = anchor_ds(rt.config);
    // The managed KSKs whose DS the parent serves anchor validation too (as the engine's does).
    if (rt.config.trust_anchor_file) {
        for (const auto& z : rt.config.zones) {
            for (auto& ds : vouched_ksk_ds(rt.store, z))
                obs.policy.trust_anchor_ds.push_back(ds +
                                                     " (managed KSK, DS at every parent server)");
        }
    }
    add_parent_ds(rt, now, obs);
    obs.policy.certified_ca_spki_sha256 = {rt.config.audit.certified_ca_spki_sha256.begin(),
                                           rt.config.audit.certified_ca_spki_sha256.end()};
    obs.slots = offline_slot_facts(rt.config, &rt.states);
    // A slot that owns one chain of a shared endpoint is audited on its chain; a slot alone on
    // its endpoints on every chain they present (a sender may negotiate any of them).
    std::vector<probe::ProbeRequest> own_chain;
    std::vector<std::size_t> own_chain_endpoint;  // request index -> obs.endpoints index
    std::vector<probe::ProbeRequest> every_chain;
    std::vector<std::size_t> every_chain_endpoint;
    for (std::size_t s = 0; s < rt.config.slots.size(); ++s) {
        const auto& slot = rt.config.slots[s];
        DK_TRY(auto wired, SlotRuntime::build(rt, slot));
        const probe::KeyFamily family = wired->prober().family();  // as the engine probes
        auto& requests = family == probe::KeyFamily::any ? every_chain : own_chain;
        auto& endpoint_of =
            family == probe::KeyFamily::any ? every_chain_endpoint : own_chain_endpoint;
        for (const auto& ep : slot.endpoints) {
            const std::string owner = tlsa_owner(ep.host, ep.port);
            const auto views = wired->view().observe(owner, now);
            const auto facts = owner_facts(owner, views);
            const bool seen = std::any_of(obs.slots[s].owners.begin(), obs.slots[s].owners.end(),
                                          [&](const auto& o) { return o.owner == owner; });
            if (!seen) obs.slots[s].owners.push_back(facts);
            ops::EndpointEvidence e{ep.to_string(), owner, {}, "", {}, slot.name};
            for (const auto& v : views) e.servers.push_back(evidence(v));
            auto addresses = wired->addresses().addresses(ep);
            if (!addresses.ok()) e.address_problem = addresses.error().message;
            for (const auto& a : addresses.ok() ? *addresses : std::vector<std::string>{}) {
                requests.push_back({ep, a, facts.records, family});
                endpoint_of.push_back(obs.endpoints.size());
            }
            obs.endpoints.push_back(std::move(e));
        }
        add_chain_facts(slot, obs.slots[s]);
        add_issuer_facts(rt.config, slot, obs.slots[s]);
    }
    const auto own = probe::probe_all(own_chain, probe::ProbeOptions{});
    for (std::size_t i = 0; i < own.size(); ++i)
        obs.endpoints[own_chain_endpoint[i]].addresses.push_back(evidence(own[i]));
    const auto every = probe::probe_all_chains(every_chain, probe::ProbeOptions{});
    for (std::size_t i = 0; i < every.size(); ++i) {
        for (const auto& r : every[i])
            obs.endpoints[every_chain_endpoint[i]].addresses.push_back(evidence(r));
    }
    obs.mx = mx_facts(rt.config, obs.problems);
    return obs;
}

}  // namespace dk::service
