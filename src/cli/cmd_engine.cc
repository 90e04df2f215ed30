// The verbs that drive the rollover engine: adopt, run, daemon, status, rollover.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cxxopts.hpp>

#include "base/files.h"
#include "base/log.h"
#include "cert/chain.h"
#include "cli/engine_verbs.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/wiring/delivery.h"
#include "cli/wiring/managed_keys.h"
#include "cli/wiring/metrics_collector.h"
#include "cli/wiring/metrics_server.h"
#include "cli/wiring/runtime.h"
#include "cli/wiring/signed_file_publisher.h"
#include "engine/safety.h"

namespace dk::cli {
namespace {

void print_step(const engine::Action& action, const engine::SlotState& state) {
    std::printf("[%s] %s %s\n", iso_time(std::chrono::system_clock::now()).c_str(),
                state.slot.c_str(), describe(action).c_str());
    std::fflush(stdout);
}

std::vector<const config::SlotConfig*> selected_slots(const config::Config& config,
                                                      const std::vector<std::string>& names,
                                                      std::string& unknown) {
    std::vector<const config::SlotConfig*> out;
    if (std::all_of(names.begin(), names.end(), [](const std::string& n) { return n.empty(); })) {
        for (const auto& s : config.slots) out.push_back(&s);
    }
    for (const auto& n : names) {
        if (const auto* s = config.slot(n))
            out.push_back(s);
        else
            unknown = n;
    }
    return out;
}

// Applies an operator's pending request (rollover start) to the stored state, then drops it.
Status take_request(Runtime& rt, const std::string& slot) {
    const std::string path = request_path(rt.config, slot);
    auto text = files::read_limited(path, 64);
    if (!text.ok()) return {};  // none pending
    DK_TRY(auto loaded, rt.states.load(slot));
    if (loaded) {
        engine::SlotState state = *loaded;
        state.phase = engine::Phase::rolling;
        state.emergency = state.emergency || text->starts_with("emergency");
        DK_TRY_STATUS(rt.states.save(state,
                                     state.emergency ? "rollover_emergency" : "rollover_start",
                                     "requested by the operator"));
        log::info("engine.rollover_requested",
                  {{"slot", slot}, {"emergency", state.emergency ? "yes" : "no"}});
    }
    ::unlink(path.c_str());
    return {};
}

// After a reload the listener follows `[metrics] listen`. The new address is bound while the
// old listener still serves; when that fails (the same port on another address of this host),
// the old one is closed first. If the new address cannot be bound at all, the old one serves on.
std::unique_ptr<MetricsServer> reload_metrics_listener(std::unique_ptr<MetricsServer> current,
                                                       const std::optional<HostPort>& listen) {
    if (!listen) {
        if (current)
            log::info("metrics.listener_stopped", {{"listen", current->address().to_string()}});
        return nullptr;
    }
    if (current && current->address() == *listen) return current;
    auto started = MetricsServer::start(*listen);
    std::optional<HostPort> old;
    if (!started.ok() && current) {
        old = current->address();
        current.reset();
        started = MetricsServer::start(*listen);
    }
    if (!started.ok()) {
        log::error("metrics.listen_failed",
                   {{"listen", listen->to_string()}, {"error", started.error().message}});
        if (!old) return current;
        auto again = MetricsServer::start(*old);
        if (!again.ok()) {
            log::error("metrics.listen_failed",
                       {{"listen", old->to_string()}, {"error", again.error().message}});
            return nullptr;
        }
        return std::move(*again);
    }
    log::info("metrics.listening", {{"listen", listen->to_string()}});
    return std::move(*started);
}

}  // namespace

int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              TimePoint* wake, std::vector<PlannedStep>* planned) {
    std::string unknown;
    const auto slots = selected_slots(rt.config, names, unknown);
    if (!unknown.empty())
        return fail(Error::bad_input("no key slot named '" + unknown + "' in " + rt.config.source));
    int worst = 0;
    // Signed-file zones whose DNSSEC keys danekeeper manages take their key steps first; while a
    // step makes validation fragile there, the zone's TLSA changes wait.
    std::vector<std::string> fragile;
    if (mode == engine::RunMode::apply)
        fragile = advance_managed_zones(rt.store, rt.config, rt.clock, wake);
    // Signed-file zones: signatures due for refresh, or an edited unsigned file.
    if (mode == engine::RunMode::apply) refresh_signed_zones(rt.config, rt.clock);
    for (const auto* slot : slots) {
        if (std::find(fragile.begin(), fragile.end(), slot->zone) != fragile.end()) {
            log::info("engine.waiting_for_dnssec_key_step",
                      {{"slot", slot->name}, {"zone", slot->zone}});
            continue;
        }
        if (auto s = take_request(rt, slot->name); !s.ok())
            worst = std::max(worst, fail(s.error()));
        auto runtime = SlotRuntime::build(rt, *slot);
        if (!runtime.ok()) {
            worst = std::max(worst, fail(runtime.error()));
            continue;
        }
        // A certificate an ACME client handed over (hook deliver) is taken under the lock.
        if (auto s = take_delivery(rt, (*runtime)->vault(), slot->name); !s.ok())
            worst = std::max(worst, fail(s.error()));
        auto ports = (*runtime)->ports();
        auto report = engine::run_slot((*runtime)->setup(), ports, mode, print_step);
        if (!report.ok()) {
            worst = std::max(worst, fail(report.error().context("slot " + slot->name)));
            continue;
        }
        if (report->final_action.kind == engine::ActionKind::alert) worst = std::max(worst, 1);
        if (wake != nullptr) *wake = std::min(*wake, report->final_action.at);
        if (planned != nullptr)
            planned->push_back({slot->name,
                                std::string(engine::to_string(report->final_action.kind)),
                                report->final_action.at});
    }
    return worst;
}

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
    auto rt = open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    const auto mode = parsed.count("dry-run") ? engine::RunMode::dry_run : engine::RunMode::apply;
    const auto started = std::chrono::steady_clock::now();
    TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
    std::vector<PlannedStep> planned;
    const int rc =
        run_slots(**rt, parsed["slots"].as<std::vector<std::string>>(), mode, &wake, &planned);
    if (mode == engine::RunMode::apply) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::optional<std::string> file = (*rt)->config.metrics.file;
        if (parsed.count("metrics-file")) file = parsed["metrics-file"].as<std::string>();
        export_metrics(**rt, {rc, took.count(), (*rt)->clock.now(), wake, std::move(planned)}, file,
                       nullptr);
    }
    return rc;
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
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    // Signals are taken only between steps, so SIGTERM finishes the current step.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    auto rt = open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    std::unique_ptr<MetricsServer> metrics;
    if ((*rt)->config.metrics.listen) {
        auto started = MetricsServer::start(*(*rt)->config.metrics.listen);
        if (!started.ok()) return fail(started.error());
        metrics = std::move(*started);
    }
    log::info("daemon.started", {{"config", (*rt)->config.source},
                                 {"slots", static_cast<long long>((*rt)->config.slots.size())}});
    while (true) {
        TimePoint wake = (*rt)->clock.now() + std::chrono::hours(1);
        const auto started = std::chrono::steady_clock::now();
        std::vector<PlannedStep> planned;
        const int rc = run_slots(**rt, {}, engine::RunMode::apply, &wake, &planned);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        std::optional<std::string> file = (*rt)->config.metrics.file;
        if (parsed.count("metrics-file")) file = parsed["metrics-file"].as<std::string>();
        export_metrics(**rt, {rc, took.count(), (*rt)->clock.now(), wake, std::move(planned)}, file,
                       metrics.get());
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
            metrics = reload_metrics_listener(std::move(metrics), listen);
        }
    }
}

}  // namespace dk::cli
