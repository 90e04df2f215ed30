// The daemon's schedule across both rollover engines: each run first advances the DNSSEC key
// steps of the zones danekeeper signs, refreshes their signatures, then runs every TLSA slot
// (its operator request and any delivered certificate taken first). While a DNSSEC key step
// makes validation fragile in a zone, that zone's TLSA changes wait.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "engine/runner.h"
#include "service/metrics/metrics_server.h"
#include "service/report/metrics_collector.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// How the caller hears of a run: each step taken (for the step lines a verb prints) and each
// error (for the one-line messages on stderr).
struct SlotRunHooks {
    engine::StepListener on_step;
    std::function<void(const Error&)> on_error;
};

// Runs every selected slot (all when `names` is empty) until it waits; returns the exit code of
// the worst result. `wake`, if given, is lowered to the earliest next due step; `planned`, if
// given, gets each slot's next step.
int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              const SlotRunHooks& hooks, TimePoint* wake,
              std::vector<PlannedStep>* planned = nullptr);

// An operator's request (rollover start) waits in STATE_DIR/requests/SLOT until the engine runs.
std::string request_path(const config::Config& config, const std::string& slot);

// When a danekeeper daemon holds the state lock, sends it SIGHUP so it looks at once; returns
// its pid, or 0 when none runs.
long wake_running_daemon(const std::string& state_dir);

// After a reload the metrics listener follows `[metrics] listen`.
std::unique_ptr<MetricsServer> reload_metrics_listener(std::unique_ptr<MetricsServer> current,
                                                       const std::optional<HostPort>& listen);

}  // namespace dk::service
