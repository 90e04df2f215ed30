// The status snapshot: what `status --nagios` needs, written by the daemon after every run to a
// file another user (NRPE's `nagios`) may read, so that the check never opens the 0700 state
// directory or the configuration. JSON; pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "ops/status_report.h"

namespace dk::ops {

struct StatusSnapshot {
    TimePoint written_at{};
    RunFreshness runs;
    std::vector<SlotStatusFacts> slots;
    std::vector<ReportedDaneFailures> tlsrpt;  // absent in snapshots of older versions: none
};

std::string snapshot_json(const StatusSnapshot& snapshot);

// Every field checked (type, range); a problem is bad_input naming `source` and the field.
Result<StatusSnapshot> parse_snapshot(std::string_view text, const std::string& source);

// Bounds of what a snapshot may hold.
inline constexpr std::size_t max_snapshot_bytes = 1024 * 1024;
inline constexpr std::size_t max_snapshot_slots = 10000;
inline constexpr std::size_t max_snapshot_organizations = 1000;

}  // namespace dk::ops
