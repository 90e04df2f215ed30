// A verb of the danekeeper command line: its name, one-line summary and handler.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace dk::cli {

struct GlobalOptions {
    std::optional<std::string> config_path;  // --config, accepted before or after the verb
    bool verbose = false;
    bool syslog = false;
};

struct Invocation {
    GlobalOptions globals;
    std::vector<std::string> args;  // args[0] is "danekeeper VERB"; the verb's own arguments follow
};

using Handler = int (*)(const Invocation&);

struct Command {
    std::string_view name;
    std::string_view summary;
    Handler run;
};

// Every verb that works; --help lists exactly these.
std::span<const Command> all_commands();

// Prints "danekeeper: MESSAGE" on one line to stderr and returns the documented exit code.
int fail(const Error& error);

}  // namespace dk::cli
