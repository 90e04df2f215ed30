// The daemon's schedule across both rollover engines: each run first advances the DNSSEC key
// steps of the zones danekeeper signs, refreshes their signatures, then runs every TLSA slot
// (its operator request and any delivered certificate taken first). While a DNSSEC key step
// makes validation fragile in a zone, that zone's TLSA changes wait.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "engine/runner.h"
#include "service/report/metrics_collector.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// How the caller hears of a run: each step taken (for the step lines a verb prints) and each
// error (for the one-line messages on stderr).
struct SlotRunHooks {
    engine::StepListener on_step;
    std::function<void(const Error&)> on_error;
};

// When a slot whose run failed with `error` at `now` is tried again: after the planner's retry
// interval, or when the failure says (Error::retry_not_before) if that is later.
TimePoint retry_time(const Error& error, TimePoint now);

// Steps that fall due within this long after the first of them are taken in one pass, at the
// last of them: every pass looks at every slot, and the switch times of slots that published in
// one round spread over the seconds that round took to confirm. No step is taken early.
inline constexpr Seconds steps_due_together{5};

// When the daemon wakes for the steps due at `due` (each slot's next step): the last of those
// due within steps_due_together of the earliest; `none_due` when there are none.
TimePoint wake_for_steps(std::vector<TimePoint> due, TimePoint none_due);

// Runs every selected slot (all when `names` is empty) until it waits; returns the exit code of
// the worst result. Slots run side by side (up to 16 at a time; those with danekeeper's ACME client
// one by one), each planning on its own and deploying at once; the steps left to the caller
// (engine::left_to_the_caller) are carried out together, in rounds: the publish steps of a zone
// in as few UPDATEs as fit (publish_together), key generations and certificate requests side by
// side. `wake`, if given, is lowered to wake_for_steps of the slots' next
// steps (and to the retry time of a failed one);
// `planned`, if given, gets each slot's next step.
int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              const SlotRunHooks& hooks, TimePoint* wake,
              std::vector<PlannedStep>* planned = nullptr);

}  // namespace dk::service
