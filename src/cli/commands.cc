// The table of verbs. Each handler lives in its own cmd_*.cc file.
#include <array>

#include "cli/command.h"
#include "cli/handlers.h"

namespace dk::cli {

std::span<const Command> all_commands() {
    static const std::array commands{
        Command{"version", "print the version", run_version},
        Command{"publish", "add or remove single records by RFC 2136 dynamic update", run_publish},
    };
    return commands;
}

}  // namespace dk::cli
