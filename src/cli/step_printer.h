// Human output of the engine's steps: one line per planned action.
#pragma once

#include <string>

#include "engine/actions.h"
#include "engine/slot_state.h"

namespace dk::cli {

std::string describe(const engine::Action& action);
std::string describe(const engine::SlotState& state);

}  // namespace dk::cli
