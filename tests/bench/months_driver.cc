// Benchmark driver (not a test) for tests/bench/months_bench.sh: the daemon's pass, as
// run_daemon makes it, RUNS times over every slot of CONFIG with the clock injected: a FakeClock
// that starts at the system's time and moves STEP seconds after each pass, so no pass waits for
// time to go by. Every pass does its real work: DNS observation of every server (RRSIGs validated
// at the injected time), a DANE-verified probe of every endpoint, the state store, the event log
// and its pruning, the status snapshot, the metrics file and the listener (when configured).
// Every SAMPLE passes one line: runs, VmRSS kB, open descriptors, threads, ms per pass over the
// sample, passes that did not end 0, warnings and errors logged.
// Usage: months_driver CONFIG RUNS STEP_SECONDS SAMPLE
#include <dirent.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "base/clock.h"
#include "base/log.h"
#include "service/daemon/daemon.h"

namespace {

long status_field(const std::string& name) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with(name + ":")) return std::stol(line.substr(name.size() + 1));
    }
    return -1;
}

int open_descriptors() {
    DIR* dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return -1;
    int count = 0;
    while (const dirent* entry = ::readdir(dir)) {
        if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
    return count - 1;  // the directory's own descriptor
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 5) {
        std::cerr << "usage: months_driver CONFIG RUNS STEP_SECONDS SAMPLE\n";
        return 2;
    }
    const std::string config = argv[1];
    const long runs = std::stol(argv[2]);
    const dk::Seconds step{std::stol(argv[3])};
    const long sample = std::stol(argv[4]);
    long warnings = 0, errors = 0;
    dk::log::set_sink([&](dk::log::Level level, const std::string&) {
        if (level == dk::log::Level::warn) ++warnings;
        if (level >= dk::log::Level::error) ++errors;
    });
    dk::FakeClock clock(std::chrono::system_clock::now());
    auto rt = dk::service::open_runtime(config, dk::service::Locking::exclusive, clock);
    if (!rt.ok()) {
        std::cerr << "months_driver: " << rt.error().message << "\n";
        return 2;
    }
    std::unique_ptr<dk::service::MetricsServer> listener;
    if ((*rt)->config.metrics.listen) {
        auto started = dk::service::MetricsServer::start(*(*rt)->config.metrics.listen);
        if (!started.ok()) {
            std::cerr << "months_driver: " << started.error().message << "\n";
            return 3;
        }
        listener = std::move(*started);
    }
    dk::service::SlotRunHooks hooks;
    hooks.on_error = [](const dk::Error& e) {
        std::cerr << "months_driver: " << e.message << "\n";
    };
    std::cout << "runs rss_kb fds threads ms_per_pass failed_passes warnings errors" << std::endl;
    long failed = 0;
    auto sample_start = std::chrono::steady_clock::now();
    for (long run = 1; run <= runs; ++run) {
        dk::TimePoint wake = clock.now() + std::chrono::hours{1};
        const int rc = dk::service::run_pass(**rt, {}, dk::engine::RunMode::apply, hooks,
                                             std::nullopt, listener.get(), &wake);
        if (rc != 0) ++failed;
        clock.advance(step);
        if (run % sample == 0 || run == 1) {
            const auto now = std::chrono::steady_clock::now();
            const double ms = std::chrono::duration<double, std::milli>(now - sample_start).count();
            std::cout << run << ' ' << status_field("VmRSS") << ' ' << open_descriptors() << ' '
                      << status_field("Threads") << ' '
                      << static_cast<long>(ms / static_cast<double>(run == 1 ? 1 : sample)) << ' '
                      << failed << ' ' << warnings << ' ' << errors << std::endl;
            sample_start = std::chrono::steady_clock::now();
        }
    }
    return failed == 0 ? 0 : 1;
}
