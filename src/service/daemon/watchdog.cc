#include "service/daemon/watchdog.h"

#include "base/log.h"
#include "base/sd_notify.h"

namespace dk::service {

Watchdog::Watchdog(std::chrono::microseconds interval, std::chrono::seconds stall)
    : interval_(interval), stall_(stall), thread_([this] { ping_until_stopped(); }) {}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_wanted_.notify_all();
    thread_.join();
}

void Watchdog::pass_started() {
    pass_started_ = std::chrono::steady_clock::now().time_since_epoch().count();
}

void Watchdog::pass_ended() {
    pass_started_ = 0;
}

bool Watchdog::loop_alive() const {
    const auto started = pass_started_.load();
    if (started == 0) return true;
    const auto running = std::chrono::steady_clock::now().time_since_epoch() -
                         std::chrono::steady_clock::duration(started);
    return running < stall_;
}

void Watchdog::ping_until_stopped() {
    bool warned = false;
    std::unique_lock lock(mutex_);
    while (!stop_wanted_.wait_for(lock, interval_, [this] { return stopping_; })) {
        if (!loop_alive()) {
            if (!warned) log::error("daemon.watchdog_stalled", {{"stall_seconds", stall_.count()}});
            warned = true;
            continue;
        }
        warned = false;
        if (auto s = sd::notify("WATCHDOG=1"); !s.ok())
            log::warn("daemon.notify_failed", {{"error", s.error().message}});
    }
}

}  // namespace dk::service
