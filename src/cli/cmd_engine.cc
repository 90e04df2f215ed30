// The verbs that drive the rollover engine: adopt, run, daemon, status, rollover.
#include <cstdio>
#include <cxxopts.hpp>

#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "service/daemon/daemon.h"
#include "service/runtime/runtime.h"

namespace dk::cli {

int run_run(const Invocation& inv) {
    cxxopts::Options options("danekeeper run",
                             "Do what is due for every key slot (or the named ones), then exit");
    options.add_options()("once", "run once and exit (the cron mode; also the default)")(
        "metrics-file", "write Prometheus metrics here after the run (textfile collector)",
        cxxopts::value<std::string>())(
        "dry-run", "print the next planned step of each slot and change nothing")(
        "h,help", "show help")("slots", "slots",
                               cxxopts::value<std::vector<std::string>>()->default_value({}));
    options.parse_positional({"slots"});
    ArgvView argv(inv.args);
    auto parsed = options.parse(argv.argc(), argv.argv());
    if (parsed.count("help")) {
        std::printf("%s\n", options.help().c_str());
        return 0;
    }
    auto rt = service::open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    const auto mode = parsed.count("dry-run") ? engine::RunMode::dry_run : engine::RunMode::apply;
    std::optional<std::string> metrics_file;
    if (parsed.count("metrics-file")) metrics_file = parsed["metrics-file"].as<std::string>();
    TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
    return service::run_pass(**rt, parsed["slots"].as<std::vector<std::string>>(), mode,
                             printing_hooks(), metrics_file, nullptr, &wake);
}

int run_daemon(const Invocation& inv) {
    cxxopts::Options options(
        "danekeeper daemon",
        "Run until SIGTERM, sleeping until the next due step; SIGHUP reloads the configuration");
    options.add_options()("metrics-file",
                          "write Prometheus metrics here after every run (textfile collector)",
                          cxxopts::value<std::string>())("h,help", "show help");
    ArgvView argv(inv.args);
    auto parsed = options.parse(argv.argc(), argv.argv());
    if (parsed.count("help")) {
        std::printf("%s\n", options.help().c_str());
        return 0;
    }
    service::DaemonOptions daemon{inv.globals.config_path, std::nullopt, printing_hooks()};
    if (parsed.count("metrics-file"))
        daemon.metrics_file = parsed["metrics-file"].as<std::string>();
    return service::run_daemon(daemon);
}

}  // namespace dk::cli
