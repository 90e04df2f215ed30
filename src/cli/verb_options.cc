#include "cli/verb_options.h"

#include <cstdio>

namespace dk::cli {
namespace {

constexpr const char* positional_name = "words";

// cxxopts wants argc/argv; this keeps the strings alive for it.
class ArgvView {
  public:
    explicit ArgvView(const std::vector<std::string>& args) : storage_(args) {
        pointers_.reserve(storage_.size() + 1);
        for (auto& s : storage_) pointers_.push_back(s.data());
    }
    [[nodiscard]] int argc() const { return static_cast<int>(pointers_.size()); }
    [[nodiscard]] char** argv() { return pointers_.data(); }

  private:
    std::vector<std::string> storage_;
    std::vector<char*> pointers_;
};

}  // namespace

VerbOptions::VerbOptions(const Invocation& invocation, const std::string& summary)
    : invocation_(invocation), options_(invocation.args.at(0), summary) {}

VerbOptions& VerbOptions::json() {
    add()("json", "JSON output");
    return *this;
}

VerbOptions& VerbOptions::nagios() {
    add()("nagios", "monitoring-plugin output and exit code");
    return *this;
}

VerbOptions& VerbOptions::probe_timeout() {
    add()("timeout", "seconds per probe", cxxopts::value<unsigned>()->default_value("10"));
    return *this;
}

void VerbOptions::positional(const std::string& usage) {
    options_.add_options()(positional_name, "", cxxopts::value<std::vector<std::string>>());
    options_.parse_positional({positional_name});
    if (!usage.empty()) options_.positional_help(usage);
    has_positional_ = true;
}

std::optional<int> VerbOptions::parse() {
    options_.add_options()("h,help", "show help");
    ArgvView argv(invocation_.args);
    try {
        result_ = options_.parse(argv.argc(), argv.argv());
    } catch (const cxxopts::exceptions::exception& e) {
        // "danekeeper VERB" -> "VERB: ..."
        const std::string& program = invocation_.args.front();
        return fail(Error::bad_input(program.substr(program.find(' ') + 1) + ": " + e.what()));
    }
    if (result_.count("help") != 0) {
        std::printf("%s\n", options_.help().c_str());
        return 0;
    }
    return std::nullopt;
}

std::vector<std::string> VerbOptions::words() const {
    if (!has_positional_ || result_.count(positional_name) == 0) return {};
    return result_[positional_name].as<std::vector<std::string>>();
}

}  // namespace dk::cli
