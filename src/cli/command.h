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
    bool log_priorities = false;  // "<N>" before each stderr line (always under journald)
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
    std::string_view nagios_service = {};  // verbs with --nagios: the status line's service name
};

// Every verb that works; --help lists exactly these.
std::span<const Command> all_commands();

// Prints "danekeeper: MESSAGE" on one line to stderr and returns the documented exit code; after
// report_failures_as_nagios, also "SERVICE UNKNOWN - MESSAGE" on stdout and exit 3: a check that
// cannot run (bad option, bad configuration, unreadable state) is the plugin API's UNKNOWN,
// never CRITICAL (2).
int fail(const Error& error);
void report_failures_as_nagios(std::string_view service);

}  // namespace dk::cli
