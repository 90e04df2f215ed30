// What the engine-driving verbs share with `hook deliver`: running slots under the state lock,
// and waking a daemon that holds it.
#pragma once

#include <string>
#include <vector>

#include "cli/wiring/metrics_collector.h"
#include "cli/wiring/runtime.h"
#include "engine/runner.h"

namespace dk::cli {

// Runs every selected slot (all when `names` is empty) until it waits; returns the exit code of
// the worst result. `wake`, if given, is lowered to the earliest next due step; `planned`, if
// given, gets each slot's next step.
int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              TimePoint* wake, std::vector<PlannedStep>* planned = nullptr);

// When a danekeeper daemon holds the state lock, sends it SIGHUP so it looks at once; returns
// its pid, or 0 when none runs.
long wake_running_daemon(const std::string& state_dir);

}  // namespace dk::cli
