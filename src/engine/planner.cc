#include "engine/planner.h"

#include <algorithm>
#include <iterator>
#include <optional>

#include "base/strings.h"
#include "engine/issuers.h"
#include "engine/safety.h"

namespace dk::engine {
namespace {

Action wait_until(TimePoint at, std::string reason) {
    Action a;
    a.kind = ActionKind::wait;
    a.at = at;
    a.reason = std::move(reason);
    return a;
}

Action alert(const Observations& obs, const SlotPolicy& policy, std::string reason) {
    Action a;
    a.kind = ActionKind::alert;
    a.at = obs.now + policy.retry;
    a.reason = std::move(reason);
    return a;
}

Action simple(ActionKind kind, std::string reason, bool for_next = false, TimePoint at = {}) {
    Action a;
    a.kind = kind;
    a.reason = std::move(reason);
    a.for_next = for_next;
    a.at = at;
    return a;
}

// Adds (and removes) records per owner, each change guarded by the owner's observed RRset.
std::vector<TlsaChange> owner_changes(const Observations& obs, const std::vector<TlsaRecord>& add,
                                      const std::optional<TlsaRecord>& remove) {
    std::vector<TlsaChange> changes;
    for (const auto& owner : obs.owners) {
        if (remove && contains(owner.at_primary, *remove)) {
            changes.push_back({owner.owner, ChangeOp::remove, *remove, owner.at_primary});
        }
        for (const auto& record : add) {
            if (!contains(owner.at_primary, record)) {
                changes.push_back({owner.owner, ChangeOp::add, record, owner.at_primary});
            }
        }
    }
    return changes;
}

// Endpoints serving something we do not know about: never touch DNS on top of that.
std::optional<Action> check_unknown_keys(const SlotState& s, const SlotPolicy& p,
                                         const Observations& obs) {
    // next counts as known even before its deployment is recorded: only we hold its private key,
    // so seeing it served means a deployment of ours whose record was lost in a crash.
    std::vector<const SlotKey*> known{&*s.current};
    if (s.next) known.push_back(&*s.next);
    if (s.previous) known.push_back(&*s.previous);
    const auto unknown = endpoints_with_unknown_key(obs, known);
    if (unknown.empty()) return std::nullopt;
    return alert(obs, p,
                 "endpoints present a key that is neither current nor next: " +
                     join(unknown, ", ") + "; nothing is changed until this is fixed");
}

// A propagation wait's reason, naming the servers it waits for (at most a few, then a count):
// an unreachable or unresolvable server is what an operator must see.
std::string naming_lagging(std::string reason, const Observations& obs) {
    std::vector<std::string> lagging;
    for (const auto& o : obs.owners) {
        for (const auto& l : o.lagging) {
            if (std::find(lagging.begin(), lagging.end(), l) == lagging.end()) lagging.push_back(l);
        }
    }
    if (lagging.empty()) return reason;
    constexpr std::size_t shown = 3;
    const std::size_t more = lagging.size() > shown ? lagging.size() - shown : 0;
    lagging.resize(std::min(lagging.size(), shown));
    reason += "; waiting for: " + join(lagging, "; ");
    if (more > 0) reason += "; and " + std::to_string(more) + " more";
    return reason;
}

// After a switch the old key's record goes; the fresh next key follows once it is gone.
std::optional<Action> retire_previous(const SlotState& s, const SlotPolicy& p,
                                      const Observations& obs) {
    if (!s.previous) return std::nullopt;
    const auto maybe_serving = endpoints_maybe_presenting(obs, *s.previous);
    if (!maybe_serving.empty()) {
        return alert(obs, p,
                     "not retiring the previous key: still presented by (or unreachable) " +
                         join(maybe_serving, ", "));
    }
    if (obs.removals_not_before && obs.now < *obs.removals_not_before) {
        return wait_until(*obs.removals_not_before,
                          "not retiring the previous key yet: resolvers may still hold the TLSA "
                          "RRsets the shared owner's CNAMEs replaced");
    }
    // The retirement does not wait for a fresh next key (a key generation per slot): that one
    // is made and published once the previous key is cleared, or goes along if already made.
    const TlsaRecord old_record = record_for(*s.previous);
    std::vector<TlsaRecord> keep{record_for(*s.current)};
    if (s.next) keep.push_back(record_for(*s.next));
    auto changes = owner_changes(obs, keep, old_record);
    if (!changes.empty()) {
        Action a = simple(ActionKind::publish,
                          s.next ? "retire previous key and publish next" : "retire previous key");
        a.changes = std::move(changes);
        return a;
    }
    if (!absent_everywhere(obs, old_record)) {
        return wait_until(obs.now + p.propagation_poll,
                          naming_lagging("waiting for the retirement to reach every server", obs));
    }
    return simple(ActionKind::clear_previous, "previous key's records are gone from every server");
}

// Steady state: current and next records are published everywhere and validated; t1 known.
std::optional<Action> ensure_next_published(const SlotState& s, const SlotPolicy& p,
                                            const Observations& obs) {
    if (!s.next) return simple(ActionKind::generate_next_key, "slot has no next key");
    auto changes = owner_changes(obs, {record_for(*s.current), record_for(*s.next)}, std::nullopt);
    if (!changes.empty()) {
        Action a = simple(ActionKind::publish, "publish next key (and current where missing)");
        a.changes = std::move(changes);
        return a;
    }
    const bool everywhere = published_everywhere(obs, record_for(*s.next)) &&
                            published_everywhere(obs, record_for(*s.current));
    if (!everywhere) {
        return wait_until(
            obs.now + p.propagation_poll,
            naming_lagging("waiting until every authoritative server serves the records, validated",
                           obs));
    }
    if (!s.next->published_at) {
        return simple(ActionKind::mark_published, "next key is served everywhere (t1)", true,
                      obs.now);
    }
    const TimePoint safe = safe_switch_time(*s.next->published_at, max_ttl(obs), p.margin);
    if (!s.switch_not_before || *s.switch_not_before < safe) {
        return simple(ActionKind::set_switch_time,
                      "earliest safe switch = t1 + 2 x TTLmax + margin", true, safe);
    }
    return std::nullopt;
}

// The switch waits until t1 + needed on the wall clock and for `needed` of monotonic time since
// t1 (base/elapsed.h): a wall clock set forward does not end it early. While the monotonic count
// is behind, the run looks again every count_stored_every so that the count is stored (a reboot
// loses only what was not).
std::optional<Action> switch_wait_pending(const SlotState& s, const Observations& obs) {
    if (switch_wait_over(s, obs)) return std::nullopt;
    const TimePoint t1 = s.next->published_at.value_or(*s.switch_not_before);
    const auto needed = std::chrono::duration_cast<Seconds>(*s.switch_not_before - t1);
    const auto& mark = s.next->published_mono;
    const Seconds behind = monotonic_remaining(needed, mark);
    if (behind.count() == 0) {
        return wait_until(wait_end(t1, needed, mark, obs.now),
                          "rollover: waiting until the next record has aged in every cache");
    }
    return wait_until(std::min(wait_end(t1, needed, mark, obs.now), obs.now + count_stored_every),
                      "rollover: waiting until the next record has aged in every cache (" +
                          std::to_string(behind.count()) + " s of monotonic time to go)");
}

std::optional<Action> roll_to_next(const SlotState& s, const SlotPolicy& p,
                                   const Observations& obs) {
    // The certificate can come while the record ages: nothing is served until deploy.
    if (!s.next_cert_not_after) {
        if (p.certificates_delivered) {
            return wait_until(obs.now + p.recheck,
                              "rollover: waiting for the ACME client to deliver a certificate "
                              "for the next key (its CSR: danekeeper hook csr " +
                                  s.slot + " --next)");
        }
        return simple(ActionKind::request_certificate, "rollover: certificate for the next key",
                      true);
    }
    if (auto wait = switch_wait_pending(s, obs)) return *wait;
    if (!s.next_deployed) {
        if (!obs.pending_chain_matches) {
            return alert(obs, p, "rollover: the next key's chain could not be examined");
        }
        if (auto wait = wait_for_issuer_records_to_age(s, p, obs, *obs.pending_chain_matches))
            return *wait;
        if (auto owner = first_unsatisfied_owner(obs, *obs.pending_chain_matches)) {
            return alert(
                obs, p,
                "rollover: the next chain would not match every published TLSA "
                "combination at " +
                    *owner + " (RFC 7671 section 8)" +
                    unmatched_combination_fix(obs, *owner, *obs.pending_chain_matches, s.slot, p));
        }
        if (!obs.pending_chain_refusals.empty()) {
            return alert(obs, p,
                         "rollover: refusing to deploy the next chain: " +
                             join(obs.pending_chain_refusals, "; "));
        }
        return simple(ActionKind::deploy, "rollover: deploy the next key", true);
    }
    const auto missing = endpoints_not_presenting(obs, *s.next);
    if (missing.empty()) {
        return simple(ActionKind::complete_switch,
                      "every endpoint presents the next key, DANE-valid");
    }
    const auto still_old = endpoints_presenting_exactly(obs, *s.current);
    if (!still_old.empty()) {  // a reload did not take: deploying again is idempotent
        Action a = simple(ActionKind::deploy,
                          "rollover: re-run deployment, still presenting the current key: " +
                              join(still_old, ", "),
                          true);
        return a;
    }
    return alert(obs, p,
                 "rollover: not yet presenting the next key: " + join(missing, ", ") +
                     "; nothing is retired");
}

// When the current certificate is due: the CA's suggestion (ARI) when it made one, otherwise
// renew_before ahead of expiry.
TimePoint renewal_time(const SlotState& s, const SlotPolicy& p, const Observations& obs) {
    if (obs.renew_at) return *obs.renew_at;
    return *s.current_cert_not_after - p.renew_before;
}

bool renewal_due(const SlotState& s, const SlotPolicy& p, const Observations& obs) {
    return !s.current_cert_not_after || obs.now >= renewal_time(s, p, obs);
}

std::optional<Action> renew_current(const SlotState& s, const SlotPolicy& p,
                                    const Observations& obs) {
    const bool due = renewal_due(s, p, obs);
    if (!due && !s.renewal_cert_not_after) return std::nullopt;
    if (!s.renewal_cert_not_after && p.certificates_delivered) return std::nullopt;  // waits
    if (!s.renewal_cert_not_after) {
        return simple(ActionKind::request_certificate, "renewal: certificate for the current key");
    }
    if (!obs.pending_chain_matches)
        return alert(obs, p, "renewal: the new chain could not be examined");
    if (auto wait = wait_for_issuer_records_to_age(s, p, obs, *obs.pending_chain_matches))
        return *wait;
    if (auto owner = first_unsatisfied_owner(obs, *obs.pending_chain_matches)) {
        return alert(
            obs, p,
            "renewal: the renewed chain would not match every published TLSA "
            "combination at " +
                *owner + " (RFC 7671 section 8)" +
                unmatched_combination_fix(obs, *owner, *obs.pending_chain_matches, s.slot, p));
    }
    if (!obs.pending_chain_refusals.empty()) {
        return alert(obs, p,
                     "renewal: refusing to deploy the renewed chain: " +
                         join(obs.pending_chain_refusals, "; "));
    }
    return simple(ActionKind::deploy, "renewal: deploy the renewed certificate (same key)");
}

Action steady_verification(const SlotState& s, const SlotPolicy& p, const Observations& obs) {
    const auto missing = endpoints_not_presenting(obs, *s.current);
    if (!missing.empty()) {
        return alert(obs, p,
                     "endpoints do not present the current key DANE-valid: " + join(missing, ", "));
    }
    if (obs.served_chain_matches) {
        if (auto owner = first_unsatisfied_owner(obs, *obs.served_chain_matches)) {
            return alert(
                obs, p,
                "the served chain does not match every published TLSA combination at " + *owner +
                    " (RFC 7671 section 8)" +
                    unmatched_combination_fix(obs, *owner, *obs.served_chain_matches, s.slot, p));
        }
    }
    TimePoint wake = obs.now + p.recheck;
    if (renewal_due(s, p, obs) && p.certificates_delivered) {
        return wait_until(wake,
                          "all endpoints match; renewal due: waiting for the ACME client to "
                          "deliver a certificate for the current key (danekeeper hook deliver)");
    }
    if (s.current_cert_not_after) wake = std::min(wake, renewal_time(s, p, obs));
    wake = std::min(wake, s.current->created_at + p.rollover_every);
    return wait_until(std::max(wake, obs.now + Seconds{1}), "all endpoints match; nothing due");
}

}  // namespace

Seconds switch_wait(Seconds ttl_max, Seconds margin) {
    return 2 * ttl_max + margin;
}

TimePoint safe_switch_time(TimePoint t1, Seconds ttl_max, Seconds margin) {
    return t1 + switch_wait(ttl_max, margin);
}

bool switch_wait_over(const SlotState& s, const Observations& obs) {
    if (!s.next || !s.switch_not_before) return false;
    const TimePoint t1 = s.next->published_at.value_or(*s.switch_not_before);
    const auto needed = std::chrono::duration_cast<Seconds>(*s.switch_not_before - t1);
    return wait_over(t1, needed, s.next->published_mono, obs.now);
}

bool rollover_wanted(const SlotState& state, const SlotPolicy& policy, TimePoint now) {
    if (state.phase == Phase::rolling || state.emergency) return true;
    return state.current && now - state.current->created_at >= policy.rollover_every;
}

namespace {

Action plan_step(const SlotState& s, const SlotPolicy& p, const Observations& obs) {
    if (!s.current) return alert(obs, p, "slot has no current key: adopt the served key first");
    if (obs.owners.empty())
        return alert(obs, p, "slot has no TLSA owner names: check its endpoints");
    if (auto a = check_unknown_keys(s, p, obs)) return *a;
    if (auto a = retire_previous(s, p, obs)) return *a;
    // A deployed next key is being verified: keep going whatever DNS looks like now, since
    // removing or adding nothing cannot break it, and going back means redeploying current.
    if (s.next_deployed) {
        auto changes =
            owner_changes(obs, {record_for(*s.current), record_for(*s.next)}, std::nullopt);
        if (!changes.empty()) {  // someone removed a record we rely on: adding back is always safe
            Action a = simple(ActionKind::publish, "restore records of the keys being switched");
            a.changes = std::move(changes);
            return a;
        }
        return *roll_to_next(s, p, obs);
    }
    if (auto a = ensure_next_published(s, p, obs)) return *a;
    if (auto a = publish_listed_issuers(s, p, obs)) return *a;
    if (rollover_wanted(s, p, obs.now)) return *roll_to_next(s, p, obs);
    if (auto a = renew_current(s, p, obs)) return *a;
    if (auto a = retire_unlisted_issuers(s, p, obs)) return *a;
    return steady_verification(s, p, obs);
}

}  // namespace

Action plan_next_action(const SlotState& s, const SlotPolicy& p, const Observations& obs) {
    Action a = plan_step(s, p, obs);
    // A broken chain of trust needs a human: the steps that need validation keep waiting (no
    // record validates), and the run says why instead of waiting quietly.
    if (a.kind != ActionKind::wait || obs.trust_problems.empty()) return a;
    return alert(
        obs, p,
        "nothing validates: " + join(obs.trust_problems, "; ") + " (meanwhile: " + a.reason + ")");
}

std::string_view to_string(Phase phase) {
    return phase == Phase::steady ? "steady" : "rolling";
}

std::string_view to_string(ActionKind kind) {
    // In the order of enum ActionKind.
    static constexpr std::string_view names[] = {
        "generate_next_key",   "publish",        "mark_published",  "set_switch_time",
        "request_certificate", "deploy",         "complete_switch", "clear_previous",
        "issuers_published",   "forget_issuers", "alert",           "wait"};
    static_assert(std::size(names) == static_cast<std::size_t>(ActionKind::wait) + 1);
    const auto i = static_cast<std::size_t>(kind);
    return i < std::size(names) ? names[i] : "wait";
}

}  // namespace dk::engine
