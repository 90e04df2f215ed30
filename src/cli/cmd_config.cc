// danekeeper config check [--json]: every problem in the configuration, or "ok".
#include <cstdio>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/handlers.h"
#include "config/config.h"

namespace dk::cli {
namespace {

struct ConfigArgs {
    bool json = false;
    bool help = false;
};

Result<ConfigArgs> parse_config_args(const Invocation& inv) {
    cxxopts::Options options("danekeeper config",
                             "danekeeper config check [--json]: report every problem in the "
                             "configuration (exit 0 when none, 2 when any)");
    options.add_options()("json", "JSON output")("h,help", "show help")(
        "sub", "", cxxopts::value<std::vector<std::string>>()->default_value({}));
    options.parse_positional({"sub"});
    ArgvView argv(inv.args);
    try {
        auto parsed = options.parse(argv.argc(), argv.argv());
        ConfigArgs args{.json = parsed.count("json") > 0, .help = parsed.count("help") > 0};
        if (args.help) {
            std::printf("%s\n", options.help().c_str());
            return args;
        }
        const auto sub = parsed["sub"].as<std::vector<std::string>>();
        if (sub.size() != 1 || sub[0] != "check")
            return Error::bad_input("usage: danekeeper config check [--json]");
        return args;
    } catch (const cxxopts::exceptions::exception& e) {
        return Error::bad_input(e.what());
    }
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Parsing first, then the file-system checks, so a broken file is not also reported as missing.
Result<config::Config> checked_config(const std::string& path) {
    DK_TRY(config::Config c, config::load_config(path));
    DK_TRY_STATUS(config::check_files(c));
    return c;
}

}  // namespace

int run_config(const Invocation& inv) {
    auto args = parse_config_args(inv);
    if (!args.ok()) return fail(args.error());
    if (args->help) return 0;
    const std::string path = inv.globals.config_path.value_or(config::default_config_path);
    auto c = checked_config(path);
    if (args->json) {
        nlohmann::json out{{"config", path}, {"ok", c.ok()}};
        if (c.ok()) {
            out["zones"] = c->zones.size();
            out["key_slots"] = c->slots.size();
        } else {
            out["problems"] = lines_of(c.error().message);
        }
        std::printf("%s\n", out.dump(2).c_str());
    } else if (c.ok()) {
        std::printf("ok: %zu zones, %zu key slots\n", c->zones.size(), c->slots.size());
    } else {
        for (const auto& line : lines_of(c.error().message))
            std::fprintf(stderr, "%s\n", line.c_str());
    }
    return c.ok() ? 0 : to_int(exit_code_for(c.error().kind));
}

}  // namespace dk::cli
