// One verb's options and the parse every verb shares: `danekeeper VERB --help` prints this
// verb's own options and exits 0; an unknown or malformed option is bad input, reported on one
// line ("danekeeper: VERB: ...", exit 2).
#pragma once

#include <cxxopts.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "cli/command.h"

namespace dk::cli {

class VerbOptions {
  public:
    // `summary` heads the --help text.
    VerbOptions(const Invocation& invocation, const std::string& summary);

    // cxxopts' adder: add()("name", "meaning", cxxopts::value<T>())...; --help is added by parse.
    cxxopts::OptionAdder add() { return options_.add_options(); }

    // Options several verbs take, worded once: --json, --nagios (monitoring-plugin output and
    // exit code), --timeout SECONDS per probe (default 10).
    VerbOptions& json();
    VerbOptions& nagios();
    VerbOptions& probe_timeout();

    // The arguments that are not options, all of them (not listed by --help); `usage` stands for
    // them in the usage line ("ZONEFILE").
    void positional(const std::string& usage = "");

    // Parses the verb's arguments: nullopt to go on with result(), or the exit code to return
    // now (0 after --help, 2 after a parse error).
    std::optional<int> parse();

    [[nodiscard]] const cxxopts::ParseResult& result() const { return result_; }
    // Whether the option was given.
    [[nodiscard]] bool given(const std::string& name) const { return result_.count(name) > 0; }
    // The positional arguments, in order; empty when there are none.
    [[nodiscard]] std::vector<std::string> words() const;

  private:
    const Invocation& invocation_;
    cxxopts::Options options_;
    cxxopts::ParseResult result_;
    bool has_positional_ = false;
};

// A file a verb will write (`--output`, `--html`): its directory must exist and the path must not
// be a directory. A mistyped path is the caller's (bad input, exit 2), found before any work.
Status check_output_path(const std::string& option, const std::string& path);

}  // namespace dk::cli
