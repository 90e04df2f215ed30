#include "service/metrics/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

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

void send_all(int fd, const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return;
        sent += static_cast<std::size_t>(n);
    }
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::start(const HostPort& listen) {
    DK_TRY(UniqueFd fd, listening_socket(listen));
    std::unique_ptr<MetricsServer> server(new MetricsServer(std::move(fd), listen));
    server->thread_ = std::thread([s = server.get()] { s->serve(); });
    return server;
}

MetricsServer::~MetricsServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
}

void MetricsServer::publish(std::string text) {
    std::lock_guard lock(mutex_);
    text_ = std::move(text);
}

void MetricsServer::serve() {
    while (!stop_) {
        pollfd p{fd_.get(), POLLIN, 0};
        if (::poll(&p, 1, 200) <= 0) continue;
        UniqueFd client(::accept4(fd_.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (client.get() < 0) continue;
        const timeval timeout{2, 0};
        ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        ::setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        answer(client.get());
    }
}

void MetricsServer::answer(int client) {
    std::string request;
    char buf[1024];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 8192) {
        const ssize_t n = ::recv(client, buf, sizeof buf, 0);
        if (n <= 0) return;
        request.append(buf, static_cast<std::size_t>(n));
    }
    const bool wanted = request.rfind("GET /metrics ", 0) == 0;
    std::string body;
    if (wanted) {
        std::lock_guard lock(mutex_);
        body = text_;
    } else {
        body = "not found\n";
    }
    send_all(client, std::string(wanted ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n") +
                         "Content-Type: text/plain; version=0.0.4\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
}

}  // namespace dk::service
