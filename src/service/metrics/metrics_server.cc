#include "service/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace dk::service {
namespace {

Result<UniqueFd> listening_socket(const HostPort& listen) {
    sockaddr_storage addr{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&addr);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&addr);
    if (::inet_pton(AF_INET, listen.host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(listen.port);
        len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, listen.host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(listen.port);
        len = sizeof *v6;
    } else {
        return Error::bad_input("metrics listen address " + listen.host + " is not an IP");
    }
    UniqueFd fd(::socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0) return Error::environment(std::string("socket: ") + std::strerror(errno));
    const int on = 1;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(fd.get(), 16) != 0) {
        return Error::environment("metrics listener " + listen.to_string() + ": " +
                                  std::strerror(errno));
    }
    return fd;
}

using Clock = std::chrono::steady_clock;

}  // namespace

bool metrics_request_complete(std::string_view received) {
    return received.find("\r\n\r\n") != std::string_view::npos ||
           received.size() >= metrics_max_request;
}

std::string metrics_response(std::string_view request, std::string_view metrics_text) {
    const bool wanted = request.starts_with("GET /metrics ");
    const std::string_view body = wanted ? metrics_text : "not found\n";
    return std::string(wanted ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n") +
           "Content-Type: text/plain; version=0.0.4\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + std::string(body);
}

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const HostPort& listen) {
    DK_TRY(UniqueFd fd, listening_socket(listen));
    UniqueFd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (stop.get() < 0) return Error::environment(std::string("eventfd: ") + std::strerror(errno));
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
