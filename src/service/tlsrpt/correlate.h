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

// "mx: deploy since 2026-12-06T10:00:00Z, mx: complete_switch at 2026-12-06T12:00:00Z" (since:
// the step in progress when the range began; at: taken within it), or "none".
std::string steps_text(const std::vector<StepAt>& steps);

}  // namespace dk::service
