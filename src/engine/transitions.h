// How the state moves once the shell has carried out an action. Pure, like the planner.
#pragma once

#include <optional>

#include "engine/actions.h"
#include "engine/slot_state.h"

namespace dk::engine {

struct Outcome {
    std::optional<SlotKey> new_key;           // generate_next_key
    std::optional<TimePoint> cert_not_after;  // request_certificate
    std::string certificate;                  // request_certificate: its issuer and expiry
    std::string published;                    // publish: the primary's answer and serial
};

// The state after `action` succeeded with `outcome`. Actions that only change the world
// (publish) leave the state as it is, except that re-publishing next resets t1. An alert counts
// a failed verification; a wait (every check passed) clears the count.
SlotState apply_outcome(SlotState state, const Action& action, const Outcome& outcome);

// The monotonic count of the next key's age brought up to `now` (started when missing), while its
// switch wait is not over; the shell stores it with the next state it saves.
SlotState count_monotonic(SlotState s, const std::optional<MonotonicReading>& now);

// The operator asks for a rollover (`rollover start`, `--emergency`): the slot rolls to its next
// key as soon as that is safe; an emergency one whatever the key's age. A request never takes
// back an emergency already under way.
SlotState start_rollover(SlotState state, bool emergency);

}  // namespace dk::engine
