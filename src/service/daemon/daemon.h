// The daemon: a run over both engines, then sleep until the next due step, SIGTERM or SIGHUP.
// SIGHUP reloads the configuration (with the checks start-up makes), and the metrics listener
// follows it. `run` makes the same pass once.
#pragma once

#include <signal.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "config/config.h"
#include "service/daemon/slot_runs.h"
#include "service/metrics/metrics_server.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// One pass as `run` and each daemon wake-up make it: the slots (all when `slots` is empty), then
// in apply mode the metrics: the textfile-collector file (`metrics_file`, else [metrics] file)
// and the listener, when given. Returns the exit code of the worst result; `wake` is lowered to
// the earliest next due step.
int run_pass(Runtime& rt, const std::vector<std::string>& slots, engine::RunMode mode,
             const SlotRunHooks& hooks, const std::optional<std::string>& metrics_file,
             MetricsServer* listener, TimePoint* wake);

// The two clocks read at one instant.
struct ClockReading {
    TimePoint wall;
    std::optional<MonotonicReading> monotonic;
};
inline ClockReading read_clock(const Clock& clock) {
    return {clock.now(), clock.monotonic()};
}

// How long the daemon sleeps after a pass that began at `started` and ended at `ended`, to wake at
// the wall time `wake` the pass planned. The wall clock may have jumped during the pass: a `wake`
// planned before the jump is then off by the jump, one planned after it is not, and which it is
// cannot be known. So both readings are taken and the earlier one wins (a pass too early only
// looks again; every wait is guarded by its monotonic count), and never more than `idle`, the
// longest the daemon sleeps: a clock set back during a pass cannot put the daemon to sleep for
// the size of the jump. At least 1 s.
Seconds sleep_after_pass(TimePoint wake, const ClockReading& started, const ClockReading& ended,
                         Seconds idle);

// Waits up to `timeout` for one of `signals` (blocked by the caller); returns it, or 0 when the
// time is over.
int wait_for_signal(const sigset_t& signals, Seconds timeout);

struct DaemonOptions {
    std::optional<std::string> config_path;   // --config; the default path otherwise
    std::optional<std::string> metrics_file;  // --metrics-file
    SlotRunHooks hooks;
};

// Runs until SIGTERM or SIGINT (0), or start-up fails (its exit code, through hooks.on_error).
int run_daemon(const DaemonOptions& options);

// What a SIGHUP makes of the configuration now in the file.
struct ReloadDecision {
    std::optional<config::Config> config;  // taken: the daemon runs with it from now on
    std::string event;                     // otherwise "daemon.reload_failed" or ".._refused"
    std::string why;
};

// The checks start-up makes (config::check_files), and the ones only a running daemon needs: the
// state lock and database stay where they are, so a new state_dir is refused until a restart.
ReloadDecision decide_reload(const config::Config& running, Result<config::Config> loaded);

// After a reload the metrics listener follows `[metrics] listen`.
std::unique_ptr<MetricsServer> reload_metrics_listener(std::unique_ptr<MetricsServer> current,
                                                       const std::optional<HostPort>& listen);

}  // namespace dk::service
