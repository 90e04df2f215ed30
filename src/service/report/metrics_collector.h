// Fills the metrics snapshot after a run: what the audit observer sees (every endpoint address
// probed against its published RRset, the RRSIGs at every server) and each slot's stored state.
#pragma once

#include <string>
#include <vector>

#include "ops/metrics.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// The step a slot plans next, as the run left it.
struct PlannedStep {
    std::string slot;
    std::string action;  // engine::to_string(ActionKind)
    TimePoint at{};
};

struct RunOutcome {
    int result = 0;
    double seconds = 0;
    TimePoint ended{};
    std::optional<TimePoint> next_action;
    std::vector<PlannedStep> planned;
};

ops::MetricsSnapshot collect_metrics(Runtime& rt, const RunOutcome& run);

class MetricsServer;

// After a run: collects once, writes the textfile-collector file atomically (0644:
// node_exporter reads it) when `file` is set, and hands the text to `server` when given.
// Failures are logged, never fatal: metrics must not stop the engine.
void export_metrics(Runtime& rt, const RunOutcome& run, const std::optional<std::string>& file,
                    MetricsServer* server);

}  // namespace dk::service
