#include "service/daemon/slot_runs.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>

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

TimePoint wake_for_steps(std::vector<TimePoint> due, TimePoint none_due) {
    if (due.empty()) return none_due;
    std::sort(due.begin(), due.end());
    return *std::prev(std::upper_bound(due.begin(), due.end(), due.front() + steps_due_together));
}

// Slots run side by side: their observations, probes, keys, certificate requests and
// deployments overlap (mostly waits on servers, the CA, the reloads). Each slot waits for its DNS
// answers before its handshakes, so 16 slots keep about the prober's own 64 handshakes in flight
// (8 left a 100-slot run --once at 1.38x the handshakes alone, 16 at 1.12x: scale_bench.sh);
// the bound keeps the connections to one MX host and the machine's load sane.
constexpr std::size_t max_slots_side_by_side = 16;

namespace {

// The state store shared by slot runs on several threads: one call at a time (one SQLite
// connection; each save is its own transaction).
class SerialStates final : public engine::StateStore {
  public:
    explicit SerialStates(engine::StateStore& inner) : inner_(inner) {}
    Result<std::optional<engine::SlotState>> load(const std::string& slot) override {
        std::lock_guard lock(mutex_);
        return inner_.load(slot);
    }
    Status save(const engine::SlotState& state, const std::string& event_kind,
                const std::string& details) override {
        std::lock_guard lock(mutex_);
        return inner_.save(state, event_kind, details);
    }
    Status record_event(const std::string& slot, const std::string& event_kind,
                        const std::string& details) override {
        std::lock_guard lock(mutex_);
        return inner_.record_event(slot, event_kind, details);
    }

  private:
    engine::StateStore& inner_;
    std::mutex mutex_;
};

// One slot's run across the rounds of a pass.
struct SlotRun {
    const config::SlotConfig* slot = nullptr;
    std::unique_ptr<SlotRuntime> runtime;
    Result<engine::RunReport> report = Error::environment("not run");
    [[nodiscard]] bool waiting_for_step() const { return report.ok() && report->deferred; }
    // danekeeper's own ACME client keeps one account and its nonces: such slots run one by one.
    [[nodiscard]] bool alone() const { return slot->certificates == "acme"; }
};

// work(run) for each of `runs`: ACME slots one by one, the others side by side.
void for_each_run(std::vector<SlotRun*>& runs, const std::function<void(SlotRun&)>& work) {
    std::vector<SlotRun*> together;
    for (SlotRun* r : runs) {
        if (r->alone())
            work(*r);
        else
            together.push_back(r);
    }
    for_each_bounded(together.size(), max_slots_side_by_side,
                     [&](std::size_t i) { work(*together[i]); });
}

}  // namespace

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
    if (mode == engine::RunMode::apply)
        refresh_signed_zones(rt.config, rt.clock, &rt.signing_holds);
    std::vector<SlotRun> runs;
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
        runs.push_back({slot, std::move(*runtime)});
    }
    SerialStates states(rt.states);
    std::mutex printing;
    const engine::StepListener on_step = [&](const engine::Action& a, const engine::SlotState& s) {
        if (!hooks.on_step) return;
        std::lock_guard lock(printing);
        hooks.on_step(a, s);
    };
    const auto ports_of = [&](SlotRun& run) {
        const engine::Ports own = run.runtime->ports();
        return engine::Ports{own.dns, own.publisher, own.prober, own.vault, states, own.clock};
    };
    std::vector<SlotRun*> pending;
    for (auto& r : runs) pending.push_back(&r);
    for_each_run(pending, [&](SlotRun& run) {
        auto ports = ports_of(run);
        run.report = engine::run_slot(run.runtime->setup(), ports, mode, on_step,
                                      engine::default_max_steps, true);
    });
    // The steps the runs stopped at, together, in rounds: the publish steps of a zone in as few
    // UPDATEs as fit (publish_together), keys and certificate requests side by side; then each run
    // goes on to its next step. Every round takes at least one step; the bound ends runs that never
    // settle.
    // Key generations are CPU work (an RSA-2048 key takes about 160 ms here): no more at once
    // than the machine has cores, so that a rollover of many slots does not starve the name
    // server, the MTA or an operator's `danekeeper status` on the same host.
    std::counting_semaphore<> cpu_work(
        static_cast<std::ptrdiff_t>(std::max(1U, std::thread::hardware_concurrency())));
    for (int round = 0;; ++round) {
        pending.clear();
        for (auto& r : runs) {
            if (r.waiting_for_step()) pending.push_back(&r);
        }
        if (pending.empty()) break;
        if (round >= engine::default_max_steps) {
            for (SlotRun* r : pending)
                r->report = Error::environment("no steady state after " + std::to_string(round) +
                                               " rounds of steps");
            break;
        }
        std::vector<SlotRun*> publishing;
        std::vector<SlotPublish> publishes;
        for (SlotRun* r : pending) {
            if (r->report->final_action.kind == engine::ActionKind::publish) {
                publishing.push_back(r);
                publishes.push_back({r->runtime.get(), &r->report->final_action.changes});
            }
        }
        const auto answers = publish_together(publishes);
        std::map<SlotRun*, std::optional<Result<std::string>>> answer_of;
        for (std::size_t k = 0; k < publishing.size(); ++k) answer_of[publishing[k]] = answers[k];
        for_each_run(pending, [&](SlotRun& run) {
            auto ports = ports_of(run);
            const auto& setup = run.runtime->setup();
            if (run.report->final_action.kind != engine::ActionKind::publish) {
                const bool cpu_bound =
                    run.report->final_action.kind == engine::ActionKind::generate_next_key;
                if (cpu_bound) cpu_work.acquire();
                const auto outcome =
                    engine::execute_step(setup, ports, run.report->final_action, run.report->state);
                if (cpu_bound) cpu_work.release();
                run.report =
                    engine::finish_step(setup, ports, std::move(*run.report), outcome, on_step);
                return;
            }
            const auto& answer = answer_of.at(&run);
            // Not sent (another slot's step touched its RRset first): it looks and plans again.
            run.report = answer ? engine::finish_publish(setup, ports, std::move(*run.report),
                                                         *answer, on_step)
                                : engine::run_slot(setup, ports, mode, on_step,
                                                   engine::default_max_steps, true);
        });
    }
    std::vector<TimePoint> due;
    for (auto& run : runs) {
        const auto& report = run.report;
        if (!report.ok()) {
            worst = std::max(worst, fail(report.error().context("slot " + run.slot->name)));
            continue;
        }
        if (report->final_action.kind == engine::ActionKind::alert) worst = std::max(worst, 1);
        due.push_back(report->final_action.at);
        if (planned != nullptr)
            planned->push_back({run.slot->name,
                                std::string(engine::to_string(report->final_action.kind)),
                                report->final_action.at});
    }
    if (wake != nullptr) *wake = std::min(*wake, wake_for_steps(std::move(due), *wake));
    return worst;
}

}  // namespace dk::service
