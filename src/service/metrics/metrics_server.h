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

namespace dk::service {

class MetricsServer {
  public:
    static Result<std::unique_ptr<MetricsServer>> start(const HostPort& listen);
    ~MetricsServer();
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    void publish(std::string text);
    [[nodiscard]] const HostPort& address() const { return address_; }

  private:
    MetricsServer(UniqueFd fd, HostPort address)
        : fd_(std::move(fd)), address_(std::move(address)) {}
    void serve();
    void answer(int client);
    UniqueFd fd_;
    HostPort address_;
    std::atomic<bool> stop_{false};
    std::mutex mutex_;
    std::string text_ = "# no run yet\n";
    std::thread thread_;
};

}  // namespace dk::service
