// What `status --nagios` judges: each slot's stored state, and when the last run over every slot
// finished against what [monitoring] expects; after each such run, the same as a snapshot file
// ([monitoring] status_file) for a check that runs as another user.
#pragma once

#include <string>
#include <vector>

#include "ops/status_snapshot.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// Each configured slot's facts (only `only_slot`'s when it is not empty).
Result<std::vector<ops::SlotStatusFacts>> collect_slot_status(Runtime& rt,
                                                              const std::string& only_slot);

// The last run over every slot (from the store) and the configured expectations.
Result<ops::RunFreshness> run_freshness(Runtime& rt);

// The DANE failures senders reported (TLSRPT) in the reports whose date range ended in the last
// ops::tlsrpt_metrics_window, per organization.
Result<std::vector<ops::ReportedDaneFailures>> reported_dane_failures(Runtime& rt);

// Writes the snapshot atomically, mode 0640, group [monitoring] status_file_group, when
// status_file is set. Failures are logged, never fatal: monitoring must not stop the engine.
void write_status_snapshot(Runtime& rt);

}  // namespace dk::service
