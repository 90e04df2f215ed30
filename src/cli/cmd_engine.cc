// The verbs that drive the rollover engine: run and daemon.
#include <cstdio>

#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/verb_options.h"
#include "service/daemon/daemon.h"
#include "service/runtime/runtime.h"

namespace dk::cli {

int run_run(const Invocation& inv) {
    VerbOptions options(inv, "Do what is due for every key slot (or the named ones), then exit");
    options.add()("once", "run once and exit (the cron mode; also the default)")(
        "metrics-file", "write Prometheus metrics here after the run (textfile collector)",
        cxxopts::value<std::string>())(
        "dry-run", "print the next planned step of each slot and change nothing");
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    auto rt = service::open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    const auto mode = parsed.count("dry-run") ? engine::RunMode::dry_run : engine::RunMode::apply;
    std::optional<std::string> metrics_file;
    if (parsed.count("metrics-file")) metrics_file = parsed["metrics-file"].as<std::string>();
    TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
    return service::run_pass(**rt, options.words(), mode, printing_hooks(), metrics_file, nullptr,
                             &wake);
}

int run_daemon(const Invocation& inv) {
    VerbOptions options(
        inv,
        "Run until SIGTERM, sleeping until the next due step; SIGHUP reloads the configuration");
    options.add()("metrics-file",
                  "write Prometheus metrics here after every run (textfile collector)",
                  cxxopts::value<std::string>());
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    service::DaemonOptions daemon{inv.globals.config_path, std::nullopt, printing_hooks()};
    if (parsed.count("metrics-file"))
        daemon.metrics_file = parsed["metrics-file"].as<std::string>();
    return service::run_daemon(daemon);
}

}  // namespace dk::cli
