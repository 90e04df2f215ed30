// The verbs that drive the rollover engine: adopt, run, daemon, status, rollover.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "base/files.h"
#include "base/log.h"
#include "cert/chain.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/verb_options.h"
#include "engine/safety.h"
#include "service/daemon/slot_runs.h"
#include "service/keys/delivery.h"
#include "service/metrics/metrics_server.h"
#include "service/report/metrics_collector.h"
#include "service/runtime/runtime.h"
#include "service/signing/managed_keys.h"
#include "service/signing/signed_file_publisher.h"

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
    const auto started = std::chrono::steady_clock::now();
    TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
    std::vector<service::PlannedStep> planned;
    const int rc =
        service::run_slots(**rt, options.words(), mode, printing_hooks(), &wake, &planned);
    if (mode == engine::RunMode::apply) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::optional<std::string> file = (*rt)->config.metrics.file;
        if (parsed.count("metrics-file")) file = parsed["metrics-file"].as<std::string>();
        service::export_metrics(
            **rt, {rc, took.count(), (*rt)->clock.now(), wake, std::move(planned)}, file, nullptr);
    }
    return rc;
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
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    // Signals are taken only between steps, so SIGTERM finishes the current step.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    auto rt = service::open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    std::unique_ptr<service::MetricsServer> metrics;
    if ((*rt)->config.metrics.listen) {
        auto started = service::MetricsServer::start(*(*rt)->config.metrics.listen);
        if (!started.ok()) return fail(started.error());
        metrics = std::move(*started);
    }
    log::info("daemon.started", {{"config", (*rt)->config.source},
                                 {"slots", static_cast<long long>((*rt)->config.slots.size())}});
    while (true) {
        TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
        const auto started = std::chrono::steady_clock::now();
        std::vector<service::PlannedStep> planned;
        const int rc =
            service::run_slots(**rt, {}, engine::RunMode::apply, printing_hooks(), &wake, &planned);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::optional<std::string> file = (*rt)->config.metrics.file;
        if (parsed.count("metrics-file")) file = parsed["metrics-file"].as<std::string>();
        service::export_metrics(**rt,
                                {rc, took.count(), (*rt)->clock.now(), wake, std::move(planned)},
                                file, metrics.get());
        const auto left =
            std::max<long long>(1, unix_seconds(wake) - unix_seconds((*rt)->clock.now()));
        log::info("daemon.sleeping", {{"seconds", left}, {"until", iso_time(wake)}});
        timespec timeout{static_cast<time_t>(left), 0};
        const int sig = sigtimedwait(&signals, nullptr, &timeout);
        if (sig == SIGTERM || sig == SIGINT) {
            log::info("daemon.stopping", {{"signal", sig}});
            return 0;
        }
        if (sig == SIGHUP) {
            log::info("daemon.reloading", {});
            auto config =
                config::load_config(inv.globals.config_path.value_or(config::default_config_path));
            if (!config.ok()) {
                log::error("daemon.reload_failed", {{"error", config.error().message}});
                continue;  // keep running with the configuration that worked
            }
            const std::optional<HostPort> listen = config->metrics.listen;
            (*rt)->config = std::move(*config);
            metrics = service::reload_metrics_listener(std::move(metrics), listen);
        }
    }
}

}  // namespace dk::cli
