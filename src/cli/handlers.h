// Handlers of the verbs, one per cmd_*.cc file.
#pragma once

#include "cli/command.h"

namespace dk::cli {

int run_version(const Invocation& invocation);
int run_publish(const Invocation& invocation);

}  // namespace dk::cli
