// Human output of the engine's steps: one line per planned action.
#pragma once

#include <string>

#include "engine/actions.h"
#include "engine/slot_state.h"
#include "service/daemon/slot_runs.h"

namespace dk::cli {

std::string describe(const engine::Action& action);
std::string describe(const engine::SlotState& state);

// What the engine-driving verbs show: each step as one dated line on stdout, each error as
// "danekeeper: ..." on stderr.
service::SlotRunHooks printing_hooks();

}  // namespace dk::cli
