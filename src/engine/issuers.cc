#include "engine/issuers.h"

#include <algorithm>

#include "engine/safety.h"

namespace dk::engine {
namespace {

bool listed(const SlotPolicy& p, const Bytes& digest) {
    return std::find(p.issuer_spki_sha256.begin(), p.issuer_spki_sha256.end(), digest) !=
           p.issuer_spki_sha256.end();
}

const SlotIssuer* remembered(const SlotState& s, const Bytes& digest) {
    for (const auto& i : s.issuers) {
        if (i.spki_sha256 == digest) return &i;
    }
    return nullptr;
}

Action make_action(ActionKind kind, std::string reason, TimePoint at = {}) {
    Action a;
    a.kind = kind;
    a.reason = std::move(reason);
    a.at = at;
    return a;
}

std::vector<TlsaRecord> without(std::vector<TlsaRecord> rrset,
                                const std::vector<TlsaRecord>& removed) {
    std::erase_if(rrset, [&](const TlsaRecord& r) { return contains(removed, r); });
    return rrset;
}

std::string short_text(const TlsaRecord& r) {
    return r.rdata_text().substr(0, 22) + "...";
}

}  // namespace

std::optional<Action> publish_listed_issuers(const SlotState& s, const SlotPolicy& p,
                                             const Observations& obs) {
    if (p.issuer_spki_sha256.empty()) return std::nullopt;
    std::vector<TlsaChange> changes;
    for (const auto& owner : obs.owners) {
        for (const auto& digest : p.issuer_spki_sha256) {
            const TlsaRecord record = issuer_record(digest);
            if (!contains(owner.at_primary, record))
                changes.push_back({owner.owner, ChangeOp::add, record, owner.at_primary});
        }
    }
    if (!changes.empty()) {
        Action a = make_action(ActionKind::publish, "publish issuer records (issuer_certificates)");
        a.changes = std::move(changes);
        return a;
    }
    std::vector<Bytes> newly_everywhere;
    for (const auto& digest : p.issuer_spki_sha256) {
        if (!published_everywhere(obs, issuer_record(digest))) {
            return make_action(ActionKind::wait,
                               "waiting until every authoritative server serves the issuer "
                               "records, validated",
                               obs.now + p.propagation_poll);
        }
        const SlotIssuer* known = remembered(s, digest);
        if (known == nullptr || !known->published_at) newly_everywhere.push_back(digest);
    }
    if (newly_everywhere.empty()) return std::nullopt;
    Action a = make_action(ActionKind::issuers_published,
                           "issuer records are served everywhere (t1)", obs.now);
    a.issuers = std::move(newly_everywhere);
    return a;
}

std::optional<Action> retire_unlisted_issuers(const SlotState& s, const SlotPolicy& p,
                                              const Observations& obs) {
    std::vector<Bytes> unlisted;
    std::vector<TlsaRecord> records;
    for (const auto& i : s.issuers) {
        if (listed(p, i.spki_sha256)) continue;
        unlisted.push_back(i.spki_sha256);
        records.push_back(issuer_record(i.spki_sha256));
    }
    if (unlisted.empty()) return std::nullopt;
    std::vector<TlsaChange> changes;
    for (const auto& owner : obs.owners) {
        // RFC 7671 section 8: the served chain keeps a match for every combination left.
        const auto left = without(owner.at_primary, records);
        if (obs.served_chain_matches && !combinations_satisfied(left, *obs.served_chain_matches)) {
            Action a = make_action(
                ActionKind::alert,
                "not removing issuer records left out of issuer_certificates at " + owner.owner +
                    ": the served chain's CA is one of them and no listed CA issued it; list it "
                    "again in issuer_certificates, or renew from a listed CA first (danekeeper "
                    "rollover start " +
                    s.slot + ")",
                obs.now + p.retry);
            return a;
        }
        for (const auto& record : records) {
            if (contains(owner.at_primary, record))
                changes.push_back({owner.owner, ChangeOp::remove, record, owner.at_primary});
        }
    }
    if (!changes.empty()) {
        Action a = make_action(ActionKind::publish,
                               "retire issuer records left out of issuer_certificates");
        a.changes = std::move(changes);
        return a;
    }
    for (const auto& record : records) {
        if (!absent_everywhere(obs, record)) {
            return make_action(ActionKind::wait,
                               "waiting for the issuer records' retirement to reach every server",
                               obs.now + p.propagation_poll);
        }
    }
    Action a = make_action(ActionKind::forget_issuers,
                           "retired issuer records are gone from every server");
    a.issuers = std::move(unlisted);
    return a;
}

std::optional<Action> wait_for_issuer_records_to_age(const SlotState& s, const SlotPolicy& p,
                                                     const Observations& obs,
                                                     const std::vector<TlsaRecord>& matches) {
    std::vector<TlsaRecord> young;
    TimePoint aged_at = TimePoint::max();
    for (const auto& i : s.issuers) {
        // Not yet served everywhere: look again soon, as while a record propagates.
        const TimePoint safe = i.published_at
                                   ? safe_switch_time(*i.published_at, max_ttl(obs), p.margin)
                                   : obs.now + p.propagation_poll;
        if (i.published_at && safe <= obs.now) continue;
        young.push_back(issuer_record(i.spki_sha256));
        aged_at = std::min(aged_at, safe);
    }
    if (young.empty()) return std::nullopt;
    if (first_unsatisfied_owner(obs, matches)) return std::nullopt;  // the caller refuses it
    if (!first_unsatisfied_owner(obs, without(matches, young))) return std::nullopt;
    return make_action(ActionKind::wait,
                       "waiting until the chain's issuer record has aged in every cache "
                       "(t1 + 2 x TTLmax + margin) before deploying a chain that relies on it",
                       aged_at);
}

std::string unmatched_combination_fix(const Observations& obs, const std::string& owner,
                                      const std::vector<TlsaRecord>& matches,
                                      const std::string& slot, const SlotPolicy& policy) {
    std::vector<TlsaRecord> stale;
    for (const auto& o : obs.owners) {
        if (o.owner != owner) continue;
        for (const auto& r : o.at_primary) {
            const bool combination_matched =
                std::any_of(matches.begin(), matches.end(), [&](const TlsaRecord& m) {
                    return m.usage == r.usage && m.selector == r.selector && m.mtype == r.mtype;
                });
            if (!combination_matched) stale.push_back(r);
        }
    }
    if (stale.empty()) return "";
    std::string text = "; no chain matches ";
    for (std::size_t i = 0; i < stale.size(); ++i)
        text += (i == 0 ? "" : ", ") + short_text(stale[i]);
    const bool issuer =
        stale.front().usage == tlsa::usage_dane_ta || stale.front().usage == tlsa::usage_pkix_ta;
    const std::string record = owner + " TLSA " + stale.front().rdata_text();
    const std::string removal =
        policy.publish_command.empty()
            ? "remove the stale record from the zone's unsigned file: " + record
            : "remove the stale record: " + policy.publish_command + " --remove \"" + record + "\"";
    if (issuer) {
        text +=
            "; fix: add the certificate of the CA that issued the chain to issuer_certificates "
            "of slot " +
            slot + ", or " + removal;
    } else {
        text += "; fix: " + removal;
    }
    return text;
}

}  // namespace dk::engine
