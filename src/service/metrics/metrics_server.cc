#include "service/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "service/metrics/http.h"

namespace dk::service {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

bool metrics_request_complete(std::string_view received) {
    return http_head_end(received).has_value() || received.size() >= metrics_max_request;
}

std::string metrics_response(std::string_view request, std::string_view metrics_text) {
    const bool wanted = request.starts_with("GET /metrics ");
    return http_response(wanted ? 200 : 404, "text/plain; version=0.0.4",
                         wanted ? metrics_text : "not found\n");
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const HostPort& listen) {
    DK_TRY(UniqueFd fd, listening_socket(listen, "metrics"));
    DK_TRY(UniqueFd stop, stop_eventfd());
    std::unique_ptr<MetricsServer> server(
        new MetricsServer(std::move(fd), std::move(stop), listen));
    server->thread_ = std::thread([s = server.get()] { s->serve(); });
    return server;
}

MetricsServer::~MetricsServer() {
    stop_ = true;
    const std::uint64_t one = 1;
    // The serving thread sleeps in poll with no timeout while nobody is connected: wake it.
    if (::write(stop_fd_.get(), &one, sizeof one) != sizeof one) std::abort();
    if (thread_.joinable()) thread_.join();
}

void MetricsServer::publish(std::string text) {
    std::lock_guard lock(mutex_);
    text_ = std::move(text);
}

// One connection: the request read so far, then the response being written.
struct MetricsServer::Client {
    UniqueFd fd;
    Clock::time_point deadline;
    std::string request;
    std::string response;  // empty while reading
    std::size_t sent = 0;
    bool done = false;
};

// One thread, every client in one poll: a slow client only spends its own deadline. With nobody
// connected it sleeps until a client or the stop comes: an idle daemon makes no wake-ups.
void MetricsServer::serve() {
    std::vector<Client> clients;
    while (!stop_) {
        const auto now = Clock::now();
        std::erase_if(clients, [&](const Client& c) { return c.done || c.deadline <= now; });
        int timeout_ms = -1;
        for (const auto& c : clients) {
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(c.deadline - now);
            const int ms = static_cast<int>(std::max(left.count(), 1L));
            timeout_ms = timeout_ms < 0 ? ms : std::min(timeout_ms, ms);
        }
        std::vector<pollfd> fds{{stop_fd_.get(), POLLIN, 0}, {fd_.get(), POLLIN, 0}};
        for (const auto& c : clients) {
            fds.push_back(
                {c.fd.get(), static_cast<short>(c.response.empty() ? POLLIN : POLLOUT), 0});
        }
        const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
        ++wakeups_;
        if (ready <= 0 || stop_) continue;
        for (std::size_t i = 0; i < clients.size(); ++i) {
            if (fds[i + 2].revents != 0) step(clients[i]);
        }
        if (fds[1].revents & POLLIN) {
            UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
            // Over the bound the connection is closed right here, unanswered.
            if (client.get() >= 0 && clients.size() < max_clients)
                clients.push_back({std::move(client), Clock::now() + request_deadline});
        }
    }
}

// Reads what the client sent, or writes what it may take, without blocking.
void MetricsServer::step(Client& c) {
    if (c.response.empty()) {
        char buf[1024];
        const ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            c.done = true;
            return;
        }
        if (n > 0) c.request.append(buf, static_cast<std::size_t>(n));
        if (!metrics_request_complete(c.request)) return;
        std::lock_guard lock(mutex_);
        c.response = metrics_response(c.request, text_);
    }
    const ssize_t n =
        ::send(c.fd.get(), c.response.data() + c.sent, c.response.size() - c.sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n <= 0) {
        c.done = true;
        return;
    }
    c.sent += static_cast<std::size_t>(n);
    c.done = c.sent == c.response.size();
}

}  // namespace dk::service
