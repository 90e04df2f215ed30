// Serves the latest metrics text at GET /metrics on one configured address (meant for loopback
// or a management network), from its own thread. Anything else gets 404. Up to max_clients are
// served at once (more are closed when accepted), each request has request_deadline in all to
// be read and answered, and stopping never waits for a client.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/endpoint.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace dk::service {

// A client that sends this much without ending its headers is answered as it stands.
inline constexpr std::size_t metrics_max_request = 8192;

// Pure: whether `received` is a whole request to answer (up to its blank line, or full).
bool metrics_request_complete(std::string_view received);

// Pure: the whole HTTP response to `request` when `metrics_text` is the latest text.
std::string metrics_response(std::string_view request, std::string_view metrics_text);

class MetricsServer {
  public:
    static constexpr std::size_t max_clients = 8;  // at once; more are closed when accepted
    static constexpr std::chrono::milliseconds request_deadline{2000};  // the whole exchange
    static Result<std::unique_ptr<MetricsServer>> start(const HostPort& listen);
    ~MetricsServer();  // stops: returns at once, whatever the clients do
    MetricsServer(const MetricsServer&) = delete;
    MetricsServer& operator=(const MetricsServer&) = delete;

    void publish(std::string text);
    [[nodiscard]] const HostPort& address() const { return address_; }
    // How often the serving thread has woken: a client, a deadline, the stop; never by itself.
    [[nodiscard]] std::uint64_t wakeups() const { return wakeups_; }

  private:
    MetricsServer(UniqueFd fd, UniqueFd stop_fd, HostPort address)
        : fd_(std::move(fd)), stop_fd_(std::move(stop_fd)), address_(std::move(address)) {}
    struct Client;
    void serve();
    void step(Client& client);
    UniqueFd fd_;
    UniqueFd stop_fd_;  // an eventfd the destructor writes to wake the serving thread
    HostPort address_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> wakeups_{0};
    std::mutex mutex_;
    std::string text_ = "# no run yet\n";
    std::thread thread_;
};

}  // namespace dk::service
