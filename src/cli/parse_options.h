// The parse-or-exit step every verb repeats: cxxopts errors are bad input (exit 2), --help
// prints and exits 0. Returns the exit code when the verb should stop there.
#pragma once

#include <cstdio>
#include <cxxopts.hpp>
#include <optional>

#include "cli/command.h"

namespace dk::cli {

inline std::optional<int> parse_options(cxxopts::Options& options, const Invocation& inv,
                                        cxxopts::ParseResult& parsed) {
    ArgvView argv(inv.args);
    try {
        parsed = options.parse(argv.argc(), argv.argv());
    } catch (const cxxopts::exceptions::exception& e) {
        return fail(Error::bad_input(e.what()));
    }
    if (parsed.count("help")) {
        std::printf("%s\n", options.help().c_str());
        return 0;
    }
    return std::nullopt;
}

}  // namespace dk::cli
