// SlotState <-> JSON, the form the store keeps it in (one row per slot, one transaction per
// transition). Times are unix seconds; digests are hex.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "engine/slot_state.h"

namespace dk::engine {

std::string to_json(const SlotState& state);
Result<SlotState> slot_state_from_json(std::string_view text);

}  // namespace dk::engine
