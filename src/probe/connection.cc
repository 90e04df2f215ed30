#include "probe/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dk::probe {
namespace {

int millis_left(Deadline deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

Result<Connection> Connection::open(const std::string& address, std::uint16_t port,
                                    Deadline deadline) {
    sockaddr_storage storage{};
    socklen_t len = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        len = sizeof *v4;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        len = sizeof *v6;
    } else {
        return Error::bad_input("'" + address + "' is not an IP address");
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error::environment(std::string("socket: ") + std::strerror(errno));
    Connection conn(fd);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&storage), len) != 0 && errno != EINPROGRESS) {
        return Error::environment(std::string("connect: ") + std::strerror(errno));
    }
    DK_TRY_STATUS(conn.wait(false, deadline));
    int so_error = 0;
    socklen_t so_len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &so_len);
    if (so_error != 0)
        return Error::environment(std::string("connect: ") + std::strerror(so_error));
    return conn;
}

Status Connection::wait(bool in, Deadline deadline) {
    while (true) {
        pollfd p{fd_.get(), static_cast<short>(in ? POLLIN : POLLOUT), 0};
        const int ms = millis_left(deadline);
        if (ms == 0) return Error::environment("timed out");
        const int ready = ::poll(&p, 1, ms);
        if (ready > 0) return {};
        if (ready == 0) return Error::environment("timed out");
        if (errno != EINTR) return Error::environment(std::string("poll: ") + std::strerror(errno));
    }
}

Status Connection::send_all(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_.get(), data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            DK_TRY_STATUS(wait(false, deadline));
        } else {
            return Error::environment(std::string("send: ") + std::strerror(errno));
        }
    }
    return {};
}

Status Connection::receive_some(std::string& into, Deadline deadline) {
    char buf[4096];
    while (true) {
        const ssize_t n = ::recv(fd_.get(), buf, sizeof buf, 0);
        if (n > 0) {
            into.append(buf, static_cast<std::size_t>(n));
            return {};
        }
        if (n == 0) return Error::environment("connection closed by the server");
        if (errno != EAGAIN && errno != EINTR)
            return Error::environment(std::string("recv: ") + std::strerror(errno));
        DK_TRY_STATUS(wait(true, deadline));
    }
}

}  // namespace dk::probe
