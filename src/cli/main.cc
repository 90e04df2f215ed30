// danekeeper: entry point. Finds the verb, takes the global options wherever they stand, and
// hands the rest to the verb's handler.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "base/log.h"
#include "base/version.h"
#include "cli/command.h"

namespace {

using dk::cli::Command;

void print_usage() {
    std::printf(
        "danekeeper %s: keeps MX certificates, their DANE/TLSA records and the DNSSEC-signed zone "
        "in step\n\n"
        "Usage: danekeeper [--config FILE] [--verbose] [--syslog] [--log-priorities] VERB "
        "[options]\n"
        "       danekeeper VERB --help\n\nVerbs:\n",
        dk::version);
    for (const Command& command : dk::cli::all_commands()) {
        std::printf("  %-14.*s %.*s\n", static_cast<int>(command.name.size()), command.name.data(),
                    static_cast<int>(command.summary.size()), command.summary.data());
    }
    std::printf(
        "\nExit codes: 0 ok, 1 check failed (mismatch, unsafe, refused), 2 bad input or "
        "configuration,\n            3 environment failure (network, DNS, unreachable, timeout)\n");
}

const Command* find_command(std::string_view name) {
    for (const Command& command : dk::cli::all_commands()) {
        if (command.name == name) return &command;
    }
    return nullptr;
}

// Splits argv into global options, the verb and the verb's own arguments.
struct Parsed {
    dk::cli::GlobalOptions globals;
    std::string verb;
    std::vector<std::string> rest;
    bool help = false;
    bool version = false;
    std::string error;
};

Parsed parse_command_line(int argc, char** argv) {
    Parsed p;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--config" || arg == "-c") {
            if (i + 1 >= argc) {
                p.error = "--config needs a file";
                return p;
            }
            p.globals.config_path = argv[++i];
        } else if (arg.starts_with("--config=")) {
            p.globals.config_path = std::string(arg.substr(9));
        } else if (arg == "--verbose" || arg == "-v") {
            p.globals.verbose = true;
        } else if (arg == "--syslog") {
            p.globals.syslog = true;
        } else if (arg == "--log-priorities") {
            p.globals.log_priorities = true;
        } else if (p.verb.empty() && (arg == "--help" || arg == "-h")) {
            p.help = true;
        } else if (p.verb.empty() && (arg == "--version" || arg == "-V")) {
            p.version = true;
        } else if (p.verb.empty() && !arg.starts_with("-")) {
            p.verb = arg;
        } else if (p.verb.empty()) {
            p.error = "unknown option '" + std::string(arg) + "' (try --help)";
            return p;
        } else {
            p.rest.emplace_back(arg);
        }
    }
    return p;
}

}  // namespace

// `--nagios` anywhere after a verb that takes it: every failure from here on is UNKNOWN.
void take_nagios_failures(const Parsed& parsed, int argc, char** argv) {
    const Command* command = find_command(parsed.verb);
    if (command == nullptr || command->nagios_service.empty()) return;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) == "--nagios") {
            dk::cli::report_failures_as_nagios(command->nagios_service);
            return;
        }
    }
}

int main(int argc, char** argv) {
    ::umask(027);  // nothing we create is world-readable by accident
    // A peer that hangs up while OpenSSL writes (close_notify, alerts) must be an error value,
    // not a signal that kills the daemon.
    ::signal(SIGPIPE, SIG_IGN);
    Parsed parsed = parse_command_line(argc, argv);
    take_nagios_failures(parsed, argc, argv);
    dk::log::configure(
        {.min_level = parsed.globals.verbose ? dk::log::Level::debug : dk::log::Level::info,
         .to_stderr = true,
         .to_syslog = parsed.globals.syslog,
         .priority_prefix = parsed.globals.log_priorities ||
                            dk::log::journal_stream_is(std::getenv("JOURNAL_STREAM"), 2)});
    if (!parsed.error.empty()) return dk::cli::fail(dk::Error::bad_input(parsed.error));
    if (parsed.version) {
        std::printf("danekeeper %s\n", dk::version);
        return 0;
    }
    if (parsed.help || parsed.verb.empty()) {
        print_usage();
        return parsed.help ? 0 : 2;
    }
    const Command* command = find_command(parsed.verb);
    if (command == nullptr) {
        return dk::cli::fail(
            dk::Error::bad_input("unknown verb '" + parsed.verb + "' (try --help)"));
    }
    dk::cli::Invocation invocation{parsed.globals, {"danekeeper " + parsed.verb}};
    invocation.args.insert(invocation.args.end(), parsed.rest.begin(), parsed.rest.end());
    try {
        return command->run(invocation);
    } catch (const std::exception& e) {
        // Library exceptions (cxxopts, SQLiteCpp) that a handler did not convert.
        return dk::cli::fail(dk::Error::bad_input(e.what()));
    }
}
