// The systemd watchdog (WatchdogSec=): a thread sends WATCHDOG=1 at half the interval systemd
// asks for while the daemon loop is sleeping or inside a pass that has not run longer than
// `stall`. A pass stuck beyond that (a hung server no deadline caught) stops the pings, and
// systemd restarts the daemon, which resumes from its stored state.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace dk::service {

class Watchdog {
  public:
    Watchdog(std::chrono::microseconds interval, std::chrono::seconds stall);
    ~Watchdog();
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

    void pass_started();
    void pass_ended();

  private:
    void ping_until_stopped();
    [[nodiscard]] bool loop_alive() const;

    const std::chrono::microseconds interval_;
    const std::chrono::seconds stall_;
    // steady_clock ticks when the running pass started; 0 while the loop sleeps.
    std::atomic<std::chrono::steady_clock::rep> pass_started_{0};
    std::mutex mutex_;
    std::condition_variable stop_wanted_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace dk::service
