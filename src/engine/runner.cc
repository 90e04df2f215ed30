#include "engine/runner.h"

#include <algorithm>
#include <set>

#include "base/log.h"
#include "engine/safety.h"
#include "engine/transitions.h"

namespace dk::engine {
namespace {

std::vector<TlsaRecord> all_published(const std::vector<OwnerView>& owners) {
    std::set<TlsaRecord> all;
    for (const auto& o : owners) all.insert(o.at_primary.begin(), o.at_primary.end());
    return {all.begin(), all.end()};
}

std::string describe_changes(const std::vector<TlsaChange>& changes) {
    std::string out;
    for (const auto& c : changes) {
        if (!out.empty()) out += "; ";
        out += (c.op == ChangeOp::add ? "add " : "remove ") + c.owner + " TLSA " +
               c.record.rdata_text();
    }
    return out;
}

// A publish step's outcome once the primary answered: waiting for propagation here is an
// optimisation (the next observation decides, so a lagging server only delays the plan, it never
// makes it unsafe).
Result<Outcome> published_outcome(const SlotSetup& setup, Ports& ports,
                                  const Result<std::string>& published) {
    if (!published.ok()) return published.error();
    Outcome outcome;
    outcome.published = *published;
    auto waited =
        ports.dns.await_propagation(tlsa_owners(setup.endpoints), setup.propagation_deadline);
    if (!waited.ok())
        log::warn("dns.propagation_slow", {{"slot", setup.slot}, {"why", waited.error().message}});
    return outcome;
}

}  // namespace

Result<Outcome> execute_step(const SlotSetup& setup, Ports& ports, const Action& action,
                             const SlotState& state) {
    Outcome outcome;
    switch (action.kind) {
        case ActionKind::generate_next_key: {
            DK_TRY(SlotKey key, ports.vault.generate_key(setup.slot, ports.clock.now()));
            outcome.new_key = std::move(key);
            return outcome;
        }
        case ActionKind::publish:
            return published_outcome(setup, ports, ports.publisher.publish(action.changes));
        case ActionKind::request_certificate: {
            const SlotKey& key = action.for_next ? *state.next : *state.current;
            DK_TRY(ObtainedCertificate got, ports.vault.obtain_certificate(setup.slot, key));
            outcome.cert_not_after = got.not_after;
            outcome.certificate = got.describe();
            return outcome;
        }
        case ActionKind::deploy: {
            const SlotKey& key = action.for_next ? *state.next : *state.current;
            DK_TRY_STATUS(ports.vault.deploy(setup.slot, key));
            return outcome;
        }
        default:
            return outcome;
    }
}

namespace {

// The run stops at a wait or an alert: an alert is logged and counts as a failed verification,
// a wait after alerts clears the count. Both go through the transitions, like every other step.
// `saved`: the state as stored; report.state may hold a monotonic count not stored yet, which is
// stored here ("wait_progress") so that a restart resumes from it.
Status record_stop(const SlotSetup& setup, Ports& ports, const Action& action,
                   const SlotState& saved, RunReport& report) {
    const bool alert = action.kind == ActionKind::alert;
    if (alert) log::warn("engine.alert", {{"slot", setup.slot}, {"reason", action.reason}});
    SlotState next_state = apply_outcome(report.state, action, Outcome{});
    if (next_state == saved) return {};
    const bool cleared = next_state.failed_verifications != saved.failed_verifications;
    const char* kind = alert ? "alert" : cleared ? "alerts_cleared" : "wait_progress";
    DK_TRY_STATUS(ports.store.save(next_state, kind, action.reason));
    report.state = std::move(next_state);
    return {};
}

// The plan's stop when the owners are not ready (a shared owner's link under way or refused).
Action preparation_stop(const SlotSetup& setup, const OwnerPreparation& prepared, TimePoint now) {
    Action a;
    a.reason = prepared.reason;
    switch (prepared.kind) {
        case OwnerPreparation::Kind::changed:  // a dry run: the step it would take
            a.kind = ActionKind::publish;
            break;
        case OwnerPreparation::Kind::refused:
            a.kind = ActionKind::alert;
            a.at = now + setup.policy.retry;
            break;
        default:
            a.kind = ActionKind::wait;
            a.at = now + setup.policy.propagation_poll;
            break;
    }
    return a;
}

}  // namespace

std::vector<std::string> tlsa_owners(const std::vector<Endpoint>& endpoints) {
    std::vector<std::string> owners;
    for (const auto& ep : endpoints) {
        std::string owner = tlsa_owner(ep.host, ep.port);
        if (std::find(owners.begin(), owners.end(), owner) == owners.end()) owners.push_back(owner);
    }
    return owners;
}

namespace {

// What the vault knows about the slot's keys, against the records published at the owners.
void read_vault_views(const SlotSetup& setup, Ports& ports, const SlotState& state,
                      Observations& obs) {
    obs.pending_chain_matches.reset();
    obs.pending_chain_refusals.clear();
    obs.served_chain_matches.reset();
    obs.renew_at.reset();
    const auto published = all_published(obs.owners);
    const SlotKey* pending = nullptr;
    if (state.next && state.next_cert_not_after) pending = &*state.next;
    if (!pending && state.current && state.renewal_cert_not_after) pending = &*state.current;
    if (pending != nullptr) {
        auto matches = ports.vault.chain_matches(setup.slot, *pending, published);
        if (matches.ok()) obs.pending_chain_matches = std::move(*matches);
        obs.pending_chain_refusals = ports.vault.sender_refusals(setup.slot, *pending);
    }
    if (state.current) {
        auto matches = ports.vault.chain_matches(setup.slot, *state.current, published);
        if (matches.ok()) obs.served_chain_matches = std::move(*matches);
        obs.renew_at = ports.vault.renewal_time(setup.slot, *state.current);
    }
}

// The DNS half of an observation: every owner at every server, and the chain of trust.
Status observe_dns(const SlotSetup& setup, Ports& ports, Observations& obs) {
    DK_TRY(obs.owners, ports.dns.observe(tlsa_owners(setup.endpoints)));
    obs.trust_problems = ports.dns.trust_problems();
    return {};
}

// What the next plan may take from the observation before the step just taken.
struct Carried {
    Observations seen;
    // The step left the world as seen (leaves_the_world_as_seen): all of it; otherwise (a
    // publish of 3 1 1 records) its endpoint views only, with DNS asked again.
    bool dns_too = true;
    // The publish added the record of a key an endpoint presents: a verdict seen false before it
    // may be true now (never the other way).
    bool verdicts_may_lag = false;
};

// The earlier observation brought up to now, or nothing when it is too old to stand for the
// world (or the clock went back since).
Result<std::optional<Observations>> seen_again(const SlotSetup& setup, Ports& ports,
                                               const SlotState& state, const Carried& carried) {
    const TimePoint now = ports.clock.now();
    const Observations& seen = carried.seen;
    if (now < seen.now || now - seen.now > world_view_reuse_limit)
        return std::optional<Observations>();
    Observations obs = seen;
    obs.now = now;
    obs.monotonic = ports.clock.monotonic();
    if (!carried.dns_too) DK_TRY_STATUS(observe_dns(setup, ports, obs));
    read_vault_views(setup, ports, state, obs);
    return std::optional<Observations>(std::move(obs));
}

}  // namespace

VerdictsAfter endpoint_verdicts_after(const std::vector<TlsaChange>& changes,
                                      const std::vector<EndpointView>& endpoints) {
    for (const auto& ep : endpoints) {
        if (ep.reachable && !ep.leaf_spki_sha256) return VerdictsAfter::unknown;
    }
    const auto presented = [&](const TlsaRecord& r) {
        return std::any_of(endpoints.begin(), endpoints.end(), [&](const EndpointView& ep) {
            return ep.leaf_spki_sha256 && *ep.leaf_spki_sha256 == r.data;
        });
    };
    VerdictsAfter after = VerdictsAfter::unchanged;
    for (const auto& change : changes) {
        const TlsaRecord& r = change.record;
        if (r.usage != tlsa::usage_dane_ee || r.selector != tlsa::selector_spki ||
            r.mtype != tlsa::mtype_sha256)
            return VerdictsAfter::unknown;
        if (!presented(r)) continue;
        if (change.op == ChangeOp::remove) return VerdictsAfter::unknown;
        after = VerdictsAfter::may_improve;
    }
    return after;
}

bool left_to_the_caller(ActionKind kind) {
    return kind == ActionKind::publish || kind == ActionKind::request_certificate ||
           kind == ActionKind::generate_next_key;
}

bool leaves_the_world_as_seen(ActionKind kind) {
    switch (kind) {
        case ActionKind::generate_next_key:
        case ActionKind::request_certificate:
        case ActionKind::mark_published:
        case ActionKind::set_switch_time:
        case ActionKind::complete_switch:
        case ActionKind::clear_previous:
        case ActionKind::issuers_published:
        case ActionKind::forget_issuers:
            return true;
        default:  // publish and deploy change what is served; waits and alerts end the run
            return false;
    }
}

Result<Observations> observe_slot(const SlotSetup& setup, Ports& ports, const SlotState& state) {
    Observations obs;
    obs.now = ports.clock.now();
    obs.monotonic = ports.clock.monotonic();
    DK_TRY_STATUS(observe_dns(setup, ports, obs));
    obs.endpoints = ports.prober.probe(setup.endpoints, obs.owners);
    read_vault_views(setup, ports, state, obs);
    return obs;
}

namespace {

// Stores an executed step, or takes a refused publish as a reason to re-read and re-plan (while
// steps are left), or records the failure and returns it.
Status record_step(const SlotSetup& setup, Ports& ports, Action action,
                   const Result<Outcome>& outcome, bool steps_left, SlotState& saved,
                   RunReport& report) {
    if (!outcome.ok() && action.kind == ActionKind::publish &&
        outcome.error().kind == ErrorKind::check_failed && steps_left) {
        // A prerequisite failed: someone else changed an RRset. Re-read and re-plan.
        log::warn("engine.replan", {{"slot", setup.slot}, {"why", outcome.error().message}});
        DK_TRY_STATUS(
            ports.store.record_event(setup.slot, "publish_conflict", outcome.error().message));
        return {};
    }
    if (!outcome.ok()) {
        log::error("engine.action_failed", {{"slot", setup.slot},
                                            {"action", to_string(action.kind)},
                                            {"error", outcome.error().message}});
        (void)ports.store.record_event(setup.slot, std::string(to_string(action.kind)) + "_failed",
                                       outcome.error().message);
        return outcome.error();
    }
    SlotState next_state = apply_outcome(report.state, action, *outcome);
    std::string details = action.reason;
    if (!action.changes.empty()) {
        details += ": " + describe_changes(action.changes) + " (" + outcome->published + ")";
    }
    if (!outcome->certificate.empty()) details += ": " + outcome->certificate;
    // The log keeps the switch time so that each waiting window can be told afterwards.
    if (action.kind == ActionKind::set_switch_time) details += ": " + iso_time(action.at);
    DK_TRY_STATUS(ports.store.save(next_state, std::string(to_string(action.kind)), details));
    saved = next_state;
    report.state = std::move(next_state);
    report.executed.push_back(std::move(action));
    return {};
}

// What the next plan may take from `obs`, the observation `action` was planned on (its verdicts
// lagging if `lagging`), once the action succeeded.
std::optional<Carried> carried_after(const Action& action, Observations obs, bool lagging) {
    if (leaves_the_world_as_seen(action.kind)) return Carried{std::move(obs), true, lagging};
    if (action.kind != ActionKind::publish) return std::nullopt;
    switch (endpoint_verdicts_after(action.changes, obs.endpoints)) {
        case VerdictsAfter::unchanged:
            return Carried{std::move(obs), false, lagging};
        case VerdictsAfter::may_improve:
            return Carried{std::move(obs), false, true};
        default:
            return std::nullopt;
    }
}

// `seen`: what the next plan may take from the observation the last step was planned on.
Result<RunReport> run_steps(const SlotSetup& setup, Ports& ports, RunMode mode,
                            const StepListener& listener, int max_steps, bool defer_steps,
                            SlotState saved, RunReport report, std::optional<Carried> seen) {
    for (int step = 0; step < max_steps; ++step) {
        DK_TRY(const OwnerPreparation prepared,
               ports.publisher.prepare_owners(tlsa_owners(setup.endpoints), ports.clock.now(),
                                              mode == RunMode::apply));
        if (prepared.kind == OwnerPreparation::Kind::changed && mode == RunMode::apply) {
            log::info("engine.owners_prepared", {{"slot", setup.slot}, {"step", prepared.reason}});
            DK_TRY_STATUS(ports.store.record_event(setup.slot, "shared_owner", prepared.reason));
            seen.reset();
            continue;
        }
        if (prepared.kind != OwnerPreparation::Kind::ready) {
            Action stop = preparation_stop(setup, prepared, ports.clock.now());
            if (listener) listener(stop, report.state);
            if (mode == RunMode::apply)
                DK_TRY_STATUS(record_stop(setup, ports, stop, saved, report));
            report.final_action = std::move(stop);
            return report;
        }
        std::optional<Observations> again;
        bool lagging = false;
        if (seen) {
            DK_TRY(again, seen_again(setup, ports, report.state, *seen));
            lagging = again && seen->verdicts_may_lag;
        }
        seen.reset();
        Observations obs;
        if (again) {
            obs = std::move(*again);
        } else {
            DK_TRY(obs, observe_slot(setup, ports, report.state));
        }
        obs.removals_not_before = prepared.removals_not_before;
        report.state = count_monotonic(std::move(report.state), obs.monotonic);
        Action action = plan_next_action(report.state, setup.policy, obs);
        if (lagging && action.kind == ActionKind::alert) {
            // Only a verdict (endpoints_not_presenting) can turn a plan into an alert that a
            // fresh look would not raise: look again before raising it.
            DK_TRY(obs, observe_slot(setup, ports, report.state));
            obs.removals_not_before = prepared.removals_not_before;
            report.state = count_monotonic(std::move(report.state), obs.monotonic);
            action = plan_next_action(report.state, setup.policy, obs);
            lagging = false;
        }
        if (listener) listener(action, report.state);
        if (action.kind == ActionKind::wait || action.kind == ActionKind::alert ||
            mode == RunMode::dry_run) {
            if (mode == RunMode::apply)
                DK_TRY_STATUS(record_stop(setup, ports, action, saved, report));
            report.final_action = std::move(action);
            return report;
        }
        log::info(
            "engine.action",
            {{"slot", setup.slot}, {"action", to_string(action.kind)}, {"reason", action.reason}});
        if (defer_steps && left_to_the_caller(action.kind)) {
            report.deferred =
                DeferredStep{action, saved, max_steps - step - 1, std::move(obs), lagging};
            report.final_action = std::move(action);
            return report;
        }
        auto outcome = execute_step(setup, ports, action, report.state);
        std::optional<Carried> carried;
        if (outcome.ok()) carried = carried_after(action, std::move(obs), lagging);
        DK_TRY_STATUS(record_step(setup, ports, std::move(action), outcome, step + 1 < max_steps,
                                  saved, report));
        seen = std::move(carried);
    }
    return Error::environment("slot " + setup.slot + ": no steady state after " +
                              std::to_string(max_steps) + " steps");
}

}  // namespace

Result<RunReport> run_slot(const SlotSetup& setup, Ports& ports, RunMode mode,
                           const StepListener& listener, int max_steps, bool defer_steps) {
    DK_TRY(auto loaded, ports.store.load(setup.slot));
    if (!loaded)
        return Error::bad_input("slot " + setup.slot + " has no state: run `danekeeper adopt " +
                                setup.slot + "` first");
    RunReport report;
    report.state = *loaded;
    return run_steps(setup, ports, mode, listener, max_steps, defer_steps && mode == RunMode::apply,
                     std::move(*loaded), std::move(report), std::nullopt);
}

Result<RunReport> finish_step(const SlotSetup& setup, Ports& ports, RunReport report,
                              const Result<Outcome>& outcome, const StepListener& listener) {
    if (!report.deferred) return Error::bad_input("slot " + setup.slot + ": no step deferred");
    DeferredStep deferred = std::move(*report.deferred);
    report.deferred.reset();
    SlotState saved = std::move(deferred.stored);
    std::optional<Carried> seen;
    if (outcome.ok())
        seen = carried_after(deferred.action, std::move(deferred.seen), deferred.verdicts_may_lag);
    DK_TRY_STATUS(record_step(setup, ports, std::move(deferred.action), outcome,
                              deferred.steps_left > 0, saved, report));
    return run_steps(setup, ports, RunMode::apply, listener, deferred.steps_left, true,
                     std::move(saved), std::move(report), std::move(seen));
}

Result<RunReport> finish_publish(const SlotSetup& setup, Ports& ports, RunReport report,
                                 const Result<std::string>& published,
                                 const StepListener& listener) {
    const auto outcome = published_outcome(setup, ports, published);
    return finish_step(setup, ports, std::move(report), outcome, listener);
}

}  // namespace dk::engine
