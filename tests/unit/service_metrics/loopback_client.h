// Loopback TCP helpers for the tests of the daemon's listeners (metrics, TLSRPT receiver).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>

#include "base/endpoint.h"
#include "base/unique_fd.h"

namespace dk::service {

// A port nothing listens on right now (bind to 0, read it back, let it go).
inline std::uint16_t free_port() {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        return 0;
    return ntohs(addr.sin_port);
}

// A connection to `where` (an IPv4 literal); no descriptor when connect fails.
inline UniqueFd connect_to(const HostPort& where) {
    UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(where.port);
    ::inet_pton(AF_INET, where.host.c_str(), &addr.sin_addr);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return UniqueFd();
    return fd;
}

}  // namespace dk::service
