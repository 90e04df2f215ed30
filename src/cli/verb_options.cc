#include "cli/verb_options.h"

#include <sys/stat.h>

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

// cxxopts names the value it could not read ("Argument ‘ten’ failed to parse"), not the option:
// the option that value was given to ("--ttl ten" or "--ttl=ten"), or "" when none is found.
std::string option_given(const std::vector<std::string>& args, const std::string& what) {
    const auto open = what.find("\u2018");
    const auto close = what.rfind("\u2019");
    if (open == std::string::npos || close == std::string::npos || close < open) return "";
    const std::string value = what.substr(open + 3, close - open - 3);
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (!arg.starts_with("-")) continue;
        const auto eq = arg.find('=');
        if (eq != std::string::npos && arg.substr(eq + 1) == value) return arg.substr(0, eq);
        if (eq == std::string::npos && i + 1 < args.size() && args[i + 1] == value) return arg;
    }
    return "";
}

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
    // "danekeeper VERB" -> "VERB: ..."
    const std::string& program = invocation_.args.front();
    const std::string verb = program.substr(program.find(' ') + 1);
    try {
        result_ = options_.parse(argv.argc(), argv.argv());
    } catch (const cxxopts::exceptions::incorrect_argument_type& e) {
        const std::string option = option_given(invocation_.args, e.what());
        return fail(
            Error::bad_input(verb + ": " + (option.empty() ? "" : option + ": ") + e.what()));
    } catch (const cxxopts::exceptions::exception& e) {
        return fail(Error::bad_input(verb + ": " + e.what()));
    }
    // Without positional() cxxopts keeps words it did not take aside, silently.
    if (!has_positional_ && !result_.unmatched().empty())
        return fail(
            Error::bad_input(verb + ": unexpected argument '" + result_.unmatched().front() + "'"));
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

Status check_output_path(const std::string& option, const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error::bad_input(option + " " + path + ": " + dir + " is not a directory");
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        return Error::bad_input(option + " " + path + ": is a directory");
    return {};
}

}  // namespace dk::cli
