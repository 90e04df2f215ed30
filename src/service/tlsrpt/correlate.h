// What the rollover engines were doing while a sender saw failures: from the event log, per slot,
// the step last taken at or before the end of the report's date range (the step in progress) and
// every step taken within it. Pure: events in, steps out.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "db/store.h"

namespace dk::service {

struct StepAt {
    std::string slot;
    std::string kind;  // the engine's action: publish, mark_published, deploy, complete_switch, ...
    TimePoint at{};
    bool in_range = false;  // taken within the date range (else: the step in progress at its start)
    friend bool operator==(const StepAt&, const StepAt&) = default;
};

// `events` oldest first (Store::events_since); steps ordered by slot, then time.
std::vector<StepAt> steps_during(const std::vector<db::Event>& events, TimePoint start,
                                 TimePoint end);

// Per slot the step in progress at the range's end and up to five steps before it: "mx: deploy
// since 2026-12-06T10:00:00Z (after set_switch_time at 2026-12-06T09:00:00Z)", "; " between
// slots, or "none".
std::string steps_text(const std::vector<StepAt>& steps);

}  // namespace dk::service
