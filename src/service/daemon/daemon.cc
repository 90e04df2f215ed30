#include "service/daemon/daemon.h"

#include <malloc.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <chrono>

#include "base/log.h"
#include "base/sd_notify.h"
#include "service/daemon/watchdog.h"
#include "service/keys/issuer_certificates.h"
#include "service/mtasts/policy_keeper.h"
#include "service/report/metrics_collector.h"
#include "service/report/status_snapshot.h"
#include "service/runtime/tlsrpt_records.h"
#include "service/tlsrpt/https_receiver.h"
#include "service/tlsrpt/maildir.h"

namespace dk::service {
namespace {

// With nothing due the daemon still looks once an hour (certificate expiry, the served records).
constexpr Seconds idle_sleep{3600};
// A pass that runs longer than this stops the watchdog's pings: ACME issuance alone may take
// 10 minutes per slot, every other step has deadlines of seconds.
constexpr std::chrono::seconds longest_pass{30 * 60};

// Tells the service manager (Type=notify); without one, nothing happens.
void notify(std::string_view state) {
    if (auto s = sd::notify(state); !s.ok())
        log::warn("daemon.notify_failed", {{"state", state}, {"error", s.error().message}});
}

TlsrptReceiverOptions receiver_options(const config::Config& c) {
    TlsrptReceiverOptions o;
    o.listen = *c.tlsrpt.https_listen;
    o.cert_file = c.tlsrpt.https_cert_file;
    o.key_file = c.tlsrpt.https_key_file;
    o.path = c.tlsrpt.https_path;
    o.max_body_bytes = static_cast<std::size_t>(c.tlsrpt.https_max_body_bytes);
    o.max_connections = static_cast<std::size_t>(c.tlsrpt.https_max_connections);
    o.state_db = c.state_dir + "/state.db";
    return o;
}

// On every reload the receiver starts again from the configuration (a renewed certificate is
// read); the old one is closed first (the same port). When the new one cannot start, the old
// settings serve on if they can.
std::unique_ptr<TlsrptReceiver> reload_tlsrpt_receiver(std::unique_ptr<TlsrptReceiver> current,
                                                       const config::Config& c) {
    std::optional<TlsrptReceiverOptions> old;
    if (current) old = current->options();
    current.reset();
    if (!c.tlsrpt.https_listen) {
        if (old) log::info("tlsrpt.https_stopped", {{"listen", old->listen.to_string()}});
        return nullptr;
    }
    auto started = TlsrptReceiver::start(receiver_options(c));
    if (started.ok()) return std::move(*started);
    log::error("tlsrpt.https_listen_failed", {{"error", started.error().message}});
    if (!old) return nullptr;
    auto again = TlsrptReceiver::start(*old);
    if (!again.ok()) {
        log::error("tlsrpt.https_listen_failed", {{"error", again.error().message}});
        return nullptr;
    }
    return std::move(*again);
}

// Takes the configuration now in the file, or keeps the running one and says why.
void reload(Runtime& rt, const DaemonOptions& options, std::unique_ptr<MetricsServer>& metrics,
            std::unique_ptr<TlsrptReceiver>& receiver) {
    log::info("daemon.reloading", {});
    ReloadDecision decision = decide_reload(
        rt.config, config::load_config(options.config_path.value_or(config::default_config_path)));
    if (!decision.config) {
        // Keep running with the configuration that worked.
        log::error(decision.event, {{"error", decision.why}});
        return;
    }
    const std::optional<HostPort> listen = decision.config->metrics.listen;
    rt.config = std::move(*decision.config);
    rt.signing_holds.clear();  // signed zones are read again under the new configuration
    metrics = reload_metrics_listener(std::move(metrics), listen);
    receiver = reload_tlsrpt_receiver(std::move(receiver), rt.config);
}

db::EventRetention retention_of(const config::LogConfig& log) {
    db::EventRetention r;
    if (log.retention_days > 0) r.max_age = Seconds{log.retention_days * 86400LL};
    if (log.retention_rows > 0) r.max_rows = log.retention_rows;
    return r;
}

// After a run over every slot: it is recorded (status --nagios judges its age), the event log
// pruned to its retention, the status snapshot written. Failures are logged: none of this may
// stop the engine. A run stopped by bad input (a key file that no longer parses) changes
// nothing and is not recorded: it completed nothing, and its staleness shows.
void finish_full_run(Runtime& rt, int rc, std::chrono::duration<double> took) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(took).count();
    if (auto s = rt.store.record_run({rt.clock.now(), rc, static_cast<long long>(ms)}); !s.ok())
        log::warn("run.record_failed", {{"error", s.error().message}});
    auto pruned = rt.store.prune_events(retention_of(rt.config.log), rt.clock.now());
    if (!pruned.ok())
        log::warn("events.prune_failed", {{"error", pruned.error().message}});
    else if (*pruned > 0)
        log::info("events.pruned", {{"events", *pruned}});
    write_status_snapshot(rt);
}

// The SMTP TLS reports delivered since the last pass, before the slots run; a failure is logged
// and never stops the engine.
void take_in_reports(Runtime& rt) {
    if (!rt.config.tlsrpt.maildir) return;
    auto pass = take_in_maildir(rt.store, *rt.config.tlsrpt.maildir, rt.clock.now());
    if (!pass.ok()) {
        log::warn("tlsrpt.maildir_failed", {{"error", pass.error().message}});
        return;
    }
    if (pass->stored + pass->duplicates + pass->refused + pass->deferred > 0)
        log::info("tlsrpt.maildir_read", {{"stored", pass->stored},
                                          {"duplicates", pass->duplicates},
                                          {"refused", pass->refused},
                                          {"deferred", pass->deferred}});
}

// MTA-STS kept in step with the validated MX RRset before the slots run (their deployments are
// judged by the policy senders may hold); a failure is logged and never stops the engine.
void keep_mta_sts_zones(Runtime& rt) {
    if (!rt.config.resolver) return;
    for (const auto& zone : rt.config.zones) {
        if (!zone.mta_sts) continue;
        auto publisher = open_zone_publisher(rt, zone);
        auto kept = publisher.ok() ? keep_mta_sts(zone, *rt.config.resolver, publisher->get(),
                                                  rt.config.state_dir, rt.clock.now())
                                   : Result<MtaStsKept>(publisher.error());
        if (!kept.ok())
            log::warn("mta_sts.sync_failed",
                      {{"zone", zone.name}, {"error", kept.error().message}});
    }
}

}  // namespace

int run_pass(Runtime& rt, const std::vector<std::string>& slots, engine::RunMode mode,
             const SlotRunHooks& hooks, const std::optional<std::string>& metrics_file,
             MetricsServer* listener, TimePoint* wake) {
    const auto started = std::chrono::steady_clock::now();
    std::vector<PlannedStep> planned;
    if (mode == engine::RunMode::apply && slots.empty()) {
        take_in_reports(rt);
        keep_tlsrpt_records(rt, true);  // failures are logged; they never stop the slots
        keep_mta_sts_zones(rt);
    }
    const int rc = run_slots(rt, slots, mode, hooks, wake, &planned);
    if (mode == engine::RunMode::apply) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        if (slots.empty() && rc != to_int(ExitCode::bad_input)) finish_full_run(rt, rc, took);
        export_metrics(rt, {rc, took.count(), rt.clock.now(), *wake, std::move(planned)},
                       metrics_file ? metrics_file : rt.config.metrics.file, listener);
    }
    return rc;
}

Seconds sleep_after_pass(TimePoint wake, const ClockReading& started, const ClockReading& ended,
                         Seconds idle) {
    // Rounded up: waking a fraction early would make a pass that finds the step not yet due.
    const auto whole = [](auto d) { return std::chrono::ceil<Seconds>(d); };
    Seconds left = whole(wake - ended.wall);
    if (started.monotonic && ended.monotonic &&
        started.monotonic->boot_id == ended.monotonic->boot_id &&
        ended.monotonic->since_boot >= started.monotonic->since_boot) {
        // The pass's end on the wall clock as it was when the pass began.
        const TimePoint ended_unjumped =
            started.wall + (ended.monotonic->since_boot - started.monotonic->since_boot);
        left = std::min(left, whole(wake - ended_unjumped));
    }
    return std::clamp(left, Seconds{1}, std::max(idle, Seconds{1}));
}

// A stop and continue (SIGSTOP/SIGCONT, a cgroup freeze, a debugger or strace attaching) makes
// sigtimedwait fail with EINTR even with no handler (signal(7)): the wait goes on for what is left
// of it, rather than ending in a pass nothing is due for.
int wait_for_signal(const sigset_t& signals, Seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) return 0;
        const timespec wait{static_cast<time_t>(left.count() / 1000),
                            static_cast<long>(left.count() % 1000) * 1000000L};
        const int sig = sigtimedwait(&signals, nullptr, &wait);
        if (sig > 0) return sig;
        if (errno != EINTR) return 0;  // EAGAIN: the time is over
    }
}

int run_daemon(const DaemonOptions& options) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    // Signals are taken only between steps, so SIGTERM finishes the current step.
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    const auto fail = [&](const Error& error) {
        options.hooks.on_error(error);
        return to_int(exit_code_for(error.kind));
    };
    // Each thread of a pass (probes, observations) would get a malloc arena of its own that
    // outlives it, about 400 kB each, a dozen after a 100-slot pass: one arena for the daemon
    // keeps its idle RSS at what its passes leave in use (months_bench.sh).
    ::mallopt(M_ARENA_MAX, 1);
    auto rt = open_runtime(options.config_path);
    if (!rt.ok()) return fail(rt.error());
    if (auto s = (*rt)->lock->announce_daemon(); !s.ok()) return fail(s.error());
    std::unique_ptr<MetricsServer> metrics;
    if ((*rt)->config.metrics.listen) {
        auto started = MetricsServer::start(*(*rt)->config.metrics.listen);
        if (!started.ok()) return fail(started.error());
        metrics = std::move(*started);
    }
    std::unique_ptr<TlsrptReceiver> receiver;
    if ((*rt)->config.tlsrpt.https_listen) {
        auto started = TlsrptReceiver::start(receiver_options((*rt)->config));
        if (!started.ok()) return fail(started.error());
        receiver = std::move(*started);
    }
    log::info("daemon.started", {{"config", (*rt)->config.source},
                                 {"slots", static_cast<long long>((*rt)->config.slots.size())}});
    std::optional<Watchdog> watchdog;
    if (const auto interval = sd::watchdog_interval()) watchdog.emplace(*interval, longest_pass);
    notify("READY=1");
    while (true) {
        const ClockReading started = read_clock((*rt)->clock);
        TimePoint wake = started.wall + idle_sleep;
        if (watchdog) watchdog->pass_started();
        run_pass(**rt, {}, engine::RunMode::apply, options.hooks, options.metrics_file,
                 metrics.get(), &wake);
        if (watchdog) watchdog->pass_ended();
        // What the pass allocated and freed goes back to the system before the sleep: glibc
        // keeps it otherwise, and an idle daemon holds the peak of its last pass for an hour.
        ::malloc_trim(0);
        const ClockReading ended = read_clock((*rt)->clock);
        const Seconds left = sleep_after_pass(wake, started, ended, idle_sleep);
        log::info("daemon.sleeping", {{"seconds", static_cast<long long>(left.count())},
                                      {"until", iso_time(ended.wall + left)}});
        const int sig = wait_for_signal(signals, left);
        if (sig == SIGTERM || sig == SIGINT) {
            log::info("daemon.stopping", {{"signal", sig}});
            notify("STOPPING=1");
            return 0;
        }
        if (sig == SIGHUP) reload(**rt, options, metrics, receiver);
    }
}

ReloadDecision decide_reload(const config::Config& running, Result<config::Config> loaded) {
    if (!loaded.ok()) return {std::nullopt, "daemon.reload_failed", loaded.error().message};
    if (auto checked = config::check_files(*loaded); !checked.ok())
        return {std::nullopt, "daemon.reload_failed", checked.error().message};
    if (auto issuers = check_issuer_certificates(*loaded); !issuers.ok())
        return {std::nullopt, "daemon.reload_failed", issuers.error().message};
    if (loaded->state_dir != running.state_dir)
        return {std::nullopt, "daemon.reload_refused",
                "state_dir changed from " + running.state_dir + " to " + loaded->state_dir +
                    ": the daemon holds the lock and database of the old one; restart it to move"};
    return {std::move(*loaded), {}, {}};
}

// The new address is bound while the old listener still serves; when that fails (the same port on
// another address of this host), the old one is closed first. If the new address cannot be bound
// at all, the old one serves on.
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

}  // namespace dk::service
