#include "service/daemon/requests.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "db/state_lock.h"
#include "engine/transitions.h"

namespace dk::service {
namespace {

namespace dks = zone::dnssec_keys;

// A request file, not a state write: the running engine owns the state and applies it.
Status write_request(const config::Config& config, const std::string& path, std::string_view text) {
    const std::string dir = config.state_dir + "/requests";
    ::mkdir(dir.c_str(), 0700);
    return files::write_atomic(path, text, 0600, files::Overwrite::yes);
}

Status leave_request(const config::Config& config, const std::string& path, std::string_view text) {
    DK_TRY_STATUS(write_request(config, path, text));
    wake_running_daemon(config.state_dir);
    return {};
}

}  // namespace

std::string request_path(const config::Config& config, const std::string& slot) {
    return config.state_dir + "/requests/" + slot;
}

std::string dnssec_request_path(const config::Config& config, const std::string& zone,
                                dks::Role role) {
    return config.state_dir + "/requests/dnssec." + relative_name(zone) + "." +
           std::string(dks::role_name(role));
}

Status request_slot_rollovers(const config::Config& config, const std::vector<std::string>& slots,
                              bool emergency) {
    for (const auto& slot : slots) {
        DK_TRY_STATUS(write_request(config, request_path(config, slot),
                                    emergency ? "emergency\n" : "planned\n"));
    }
    wake_running_daemon(config.state_dir);
    return {};
}

Status request_dnssec_rollover(const config::Config& config, const std::string& zone,
                               dks::Role role) {
    return leave_request(config, dnssec_request_path(config, zone, role), "planned\n");
}

Status take_slot_request(Runtime& rt, const std::string& slot) {
    const std::string path = request_path(rt.config, slot);
    auto text = files::read_limited(path, 64);
    if (!text.ok()) return {};  // none pending
    DK_TRY(auto loaded, rt.states.load(slot));
    if (loaded) {
        const engine::SlotState state =
            engine::start_rollover(*loaded, text->starts_with("emergency"));
        DK_TRY_STATUS(rt.states.save(state,
                                     state.emergency ? "rollover_emergency" : "rollover_start",
                                     "requested by the operator"));
        log::info("engine.rollover_requested",
                  {{"slot", slot}, {"emergency", state.emergency ? "yes" : "no"}});
    }
    ::unlink(path.c_str());
    return {};
}

Status take_dnssec_requests(const config::Config& config, ManagedKeys& keys, TimePoint now) {
    const std::string& zone = keys.keys().zone;
    for (const auto role : {dks::Role::zsk, dks::Role::ksk}) {
        const std::string path = dnssec_request_path(config, zone, role);
        if (::access(path.c_str(), F_OK) != 0) continue;
        DK_TRY(const bool taken, keys.request_rollover(role, now));
        if (taken) {
            log::info("dnssec.rollover_requested",
                      {{"zone", zone}, {"role", dks::role_name(role)}});
        } else {
            log::warn("dnssec.rollover_request_ignored",
                      {{"zone", zone},
                       {"role", dks::role_name(role)},
                       {"reason", "no active key of that role yet"}});
        }
        ::unlink(path.c_str());
    }
    return {};
}

long wake_running_daemon(const std::string& state_dir) {
    const std::optional<pid_t> pid = db::StateLock::running_daemon(state_dir);
    if (!pid) return 0;
    return ::kill(*pid, SIGHUP) == 0 ? *pid : 0;
}

}  // namespace dk::service
