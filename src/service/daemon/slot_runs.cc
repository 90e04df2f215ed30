#include "service/daemon/slot_runs.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/files.h"
#include "base/log.h"
#include "service/keys/delivery.h"
#include "service/signing/managed_keys.h"
#include "service/signing/signed_file_publisher.h"

namespace dk::service {
namespace {

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

}  // namespace

std::string request_path(const config::Config& config, const std::string& slot) {
    return config.state_dir + "/requests/" + slot;
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

int run_slots(Runtime& rt, const std::vector<std::string>& names, engine::RunMode mode,
              const SlotRunHooks& hooks, TimePoint* wake, std::vector<PlannedStep>* planned) {
    const auto fail = [&](const Error& error) {
        hooks.on_error(error);
        return to_int(exit_code_for(error.kind));
    };
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
        if (auto s = take_delivery(rt.config, rt.states, (*runtime)->vault(), slot->name); !s.ok())
            worst = std::max(worst, fail(s.error()));
        auto ports = (*runtime)->ports();
        auto report = engine::run_slot((*runtime)->setup(), ports, mode, hooks.on_step);
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

// When a danekeeper holds the state lock (the daemon), SIGHUP makes it look at once. The pid in
// the lock file counts only while the lock is held and the pid runs this same program.
long wake_running_daemon(const std::string& state_dir) {
    const std::string path = state_dir + "/danekeeper.lock";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0;
    char text[32] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    ::close(fd);
    if (!held || n <= 0) return 0;
    const long pid = std::strtol(text, nullptr, 10);
    if (pid <= 1 || pid == ::getpid()) return 0;
    char exe[4096] = {};
    char self[4096] = {};
    const std::string proc = "/proc/" + std::to_string(pid) + "/exe";
    if (::readlink(proc.c_str(), exe, sizeof exe - 1) <= 0 ||
        ::readlink("/proc/self/exe", self, sizeof self - 1) <= 0)
        return 0;
    if (std::string(exe) != self) return 0;
    return ::kill(static_cast<pid_t>(pid), SIGHUP) == 0 ? pid : 0;
}

}  // namespace dk::service
