// Serves the latest metrics text at GET /metrics on one configured address (meant for loopback
// or a management network), from its own thread. Anything else gets 404; a client that stalls
// is dropped after two seconds, so it cannot hold the daemon.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/endpoint.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace dk::cli {

class MetricsServer {
  public:
    static Result<std::unique_ptr<MetricsServer>> start(const HostPort& listen);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    void publish(std::string text);

  private:
    explicit MetricsServer(UniqueFd fd) : fd_(std::move(fd)) {}
    void serve();
    void answer(int client);
    UniqueFd fd_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::string text_ = "# no run yet\n";
    std::thread thread_;
};

}  // namespace dk::cli
