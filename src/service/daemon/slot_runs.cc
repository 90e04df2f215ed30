#include "service/daemon/slot_runs.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "base/bounded_parallel.h"
#include "base/log.h"
#include "engine/planner.h"
#include "service/daemon/requests.h"
#include "service/keys/delivery.h"
#include "service/signing/managed_keys.h"
#include "service/signing/signed_file_publisher.h"

namespace dk::service {
namespace {

std::vector<const config::SlotConfig*> selected_slots(const config::Config& config,
                                                      const std::vector<std::string>& names,
                                                      std::string& unknown) {
    std::vector<const config::SlotConfig*> out;
    if (std::all_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); })) {
        for (const auto& s : config.slots) out.push_back(&s);
    }
    for (const auto& n : names) {
        if (const auto* s = config.slot(n))
            out.push_back(s);
        else
            unknown = n;
    }
    return out;
}

// The zone's DNSSEC key steps, after its operator's requests.
Result<zone::dnssec_keys::Plan> advance_zone(Runtime& rt, const config::ZoneConfig& zone) {
    DK_TRY(ManagedKeys keys, ManagedKeys::open(rt.store, rt.config, zone));
    DK_TRY_STATUS(take_dnssec_requests(rt.config, keys, rt.clock.now()));
    return keys.advance(rt.clock);
}

// The DNSSEC key steps of every zone whose keys danekeeper manages. Returns the zones where a key
// step is under way (TLSA changes wait there) and lowers `wake` to the earliest next due key step.
// Problems are logged, not fatal.
std::vector<std::string> advance_managed_zones(Runtime& rt, TimePoint* wake) {
    std::vector<std::string> fragile;
    for (const auto& zone : rt.config.zones) {
        if (!keys_managed(zone)) continue;
        auto plan = advance_zone(rt, zone);
        if (!plan.ok()) {
            log::error("dnssec.step_failed",
                       {{"zone", zone.name}, {"error", plan.error().message}});
            fragile.push_back(zone.name);  // unknown: hold TLSA changes until it works again
            if (wake != nullptr) *wake = std::min(*wake, rt.clock.now() + Seconds{30});
            continue;
        }
        if (plan->fragile) fragile.push_back(zone.name);
        if (wake != nullptr) *wake = std::min(*wake, plan->next_due);
    }
    return fragile;
}

}  // namespace

TimePoint retry_time(const Error& error, TimePoint now) {
    const TimePoint retry = now + engine::SlotPolicy{}.retry;
    // Never later than the failure says; the daemon's idle sleep bounds a far date.
    return error.retry_not_before ? std::max(*error.retry_not_before, retry) : retry;
}

// Keys, certificate requests and deployments of several slots at once: enough to overlap their
// waits (the CA, the reloads), few enough for the machine and the servers reloaded.
constexpr std::size_t max_steps_side_by_side = 8;

int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              const SlotRunHooks& hooks, TimePoint* wake, std::vector<PlannedStep>* planned) {
    // A failed step (a reload, a full disk, a refused update) is usually over in seconds: the
    // slot is tried again after the planner's retry interval, not after the daemon's idle sleep;
    // unless the failure says when (an ACME order held back): waking before would only log it.
    const auto fail = [&](const Error& error) {
        hooks.on_error(error);
        if (wake != nullptr) *wake = std::min(*wake, retry_time(error, rt.clock.now()));
        return to_int(exit_code_for(error.kind));
    };
    std::string unknown;
    const auto slots = selected_slots(rt.config, names, unknown);
    if (!unknown.empty())
        return fail(Error::bad_input("no key slot named '" + unknown + "' in " + rt.config.source));
    int worst = 0;
    // Signed-file zones whose DNSSEC keys danekeeper manages take their key steps first; while a
    // step makes validation fragile there, the zone's TLSA changes wait.
    std::vector<std::string> fragile;
    if (mode == engine::RunMode::apply) fragile = advance_managed_zones(rt, wake);
    // Signed-file zones: signatures due for refresh, or an edited unsigned file.
    if (mode == engine::RunMode::apply) refresh_signed_zones(rt.config, rt.clock);
    // A slot run stopped at a publish step, to be sent with the other slots' (one UPDATE for
    // many slots instead of one each, and one wait for propagation).
    struct Deferred {
        const config::SlotConfig* slot;
        std::unique_ptr<SlotRuntime> runtime;
        engine::RunReport report;
    };
    std::vector<Deferred> deferred;
    // A run's end: its wait, alert or error; or its next step, deferred.
    const auto finish = [&](const config::SlotConfig& slot, std::unique_ptr<SlotRuntime>& runtime,
                            Result<engine::RunReport>& report) {
        if (!report.ok()) {
            worst = std::max(worst, fail(report.error().context("slot " + slot.name)));
            return;
        }
        if (report->deferred) {
            deferred.push_back({&slot, std::move(runtime), std::move(*report)});
            return;
        }
        if (report->final_action.kind == engine::ActionKind::alert) worst = std::max(worst, 1);
        if (wake != nullptr) *wake = std::min(*wake, report->final_action.at);
        if (planned != nullptr)
            planned->push_back({slot.name,
                                std::string(engine::to_string(report->final_action.kind)),
                                report->final_action.at});
    };
    for (const auto* slot : slots) {
        if (std::find(fragile.begin(), fragile.end(), slot->zone) != fragile.end()) {
            log::info("engine.waiting_for_dnssec_key_step",
                      {{"slot", slot->name}, {"zone", slot->zone}});
            continue;
        }
        if (auto s = take_slot_request(rt, slot->name); !s.ok())
            worst = std::max(worst, fail(s.error()));
        auto runtime = SlotRuntime::build(rt, *slot);
        if (!runtime.ok()) {
            worst = std::max(worst, fail(runtime.error()));
            continue;
        }
        // A certificate an ACME client handed over (hook deliver) is taken under the lock.
        if (auto s = take_delivery(rt.config, rt.states, (*runtime)->vault(), slot->name); !s.ok())
            worst = std::max(worst, fail(s.error()));
        auto ports = (*runtime)->ports();
        auto report = engine::run_slot((*runtime)->setup(), ports, mode, hooks.on_step,
                                       engine::default_max_steps, true);
        finish(*slot, *runtime, report);
    }
    // The deferred steps, together: the publish steps in as few UPDATEs as fit, the others (keys,
    // certificates, deployments) side by side; each slot then runs on to its next step. Every
    // round takes at least one step; the bound ends runs that never settle, like the engine's.
    for (int round = 0; !deferred.empty(); ++round) {
        auto taken = std::move(deferred);
        deferred.clear();
        if (round >= engine::default_max_steps) {
            for (auto& d : taken) {
                Result<engine::RunReport> stuck = Error::environment(
                    "no steady state after " + std::to_string(round) + " rounds of steps");
                finish(*d.slot, d.runtime, stuck);
            }
            break;
        }
        std::vector<SlotPublish> publishes;
        std::vector<std::size_t> publishing;  // into taken
        std::vector<std::size_t> acting;      // into taken: the other steps
        for (std::size_t i = 0; i < taken.size(); ++i) {
            if (taken[i].report.final_action.kind == engine::ActionKind::publish) {
                publishes.push_back(
                    {taken[i].runtime.get(), &taken[i].report.final_action.changes});
                publishing.push_back(i);
            } else {
                acting.push_back(i);
            }
        }
        std::vector<Result<engine::Outcome>> outcomes(acting.size(),
                                                      Error::environment("not carried out"));
        const auto act = [&](std::size_t k) {
            auto& d = taken[acting[k]];
            auto ports = d.runtime->ports();
            outcomes[k] = engine::execute_step(d.runtime->setup(), ports, d.report.final_action,
                                               d.report.state);
        };
        // danekeeper's own ACME client keeps one account and its nonces: its slots one by one.
        std::vector<std::size_t> alone;
        std::vector<std::size_t> together;
        for (std::size_t k = 0; k < acting.size(); ++k)
            (taken[acting[k]].slot->certificates == "acme" ? alone : together).push_back(k);
        for (const std::size_t k : alone) act(k);
        for_each_bounded(together.size(), max_steps_side_by_side,
                         [&](std::size_t j) { act(together[j]); });
        for (std::size_t k = 0; k < acting.size(); ++k) {
            auto& d = taken[acting[k]];
            auto ports = d.runtime->ports();
            auto report = engine::finish_step(d.runtime->setup(), ports, std::move(d.report),
                                              outcomes[k], hooks.on_step);
            finish(*d.slot, d.runtime, report);
        }
        const auto answers = publish_together(publishes);
        for (std::size_t k = 0; k < publishing.size(); ++k) {
            auto& d = taken[publishing[k]];
            auto ports = d.runtime->ports();
            // Not sent (another slot's step touched its RRset first): it looks and plans again.
            auto report =
                answers[k] ? engine::finish_publish(d.runtime->setup(), ports, std::move(d.report),
                                                    *answers[k], hooks.on_step)
                           : engine::run_slot(d.runtime->setup(), ports, mode, hooks.on_step,
                                              engine::default_max_steps, true);
            finish(*d.slot, d.runtime, report);
        }
    }
    return worst;
}

}  // namespace dk::service
