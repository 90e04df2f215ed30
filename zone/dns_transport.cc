// Sockets and the UDP-then-TCP exchange; the checks on what comes back are in
// dns_transport_reply.cc.
#include "zone/dns_transport.h"

#include <netdb.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <vector>

#include "base/unique_fd.h"

namespace dk::zone {
namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

struct AddrInfoDeleter {
    void operator()(addrinfo* ai) const { freeaddrinfo(ai); }
};
using AddrInfoPtr = std::unique_ptr<addrinfo, AddrInfoDeleter>;

ExchangeError no_reply(const HostPort& server, const std::string& what) {
    return {ExchangeFailure::no_reply, Error::environment(server.to_string() + ": " + what)};
}

ExchangeError errno_error(const HostPort& server, const char* step) {
    return no_reply(server, std::string(step) + ": " + std::strerror(errno));
}

// A connected socket to the server (IP literals only: a server address is never looked up).
Result<UniqueFd> connect_socket(const HostPort& server, int type, ExchangeError& err) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = type;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(server.port);
    if (getaddrinfo(server.host.c_str(), port.c_str(), &hints, &found) != 0) {
        err = {ExchangeFailure::no_reply,
               Error::bad_input(server.to_string() + ": not an IP address and port")};
        return err.error;
    }
    AddrInfoPtr info(found);
    UniqueFd fd(::socket(info->ai_family, info->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) {
        err = errno_error(server, "socket");
        return err.error;
    }
    if (::connect(fd.get(), info->ai_addr, info->ai_addrlen) != 0 && errno != EINPROGRESS) {
        err = errno_error(server, "connect");
        return err.error;
    }
    return fd;
}

// Waits until `fd` is ready for `events` or the deadline passes.
bool wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return false;
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(left.count()));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

Result<Bytes> udp_roundtrip(const HostPort& server, const Bytes& wire, Clock::time_point deadline,
                            ExchangeError& err) {
    DK_TRY(const UniqueFd fd, connect_socket(server, SOCK_DGRAM, err));
    if (::send(fd.get(), wire.data(), wire.size(), 0) != static_cast<ssize_t>(wire.size())) {
        err = errno_error(server, "send over UDP");
        return err.error;
    }
    Bytes buffer(65535);
    if (!wait_for(fd.get(), POLLIN, deadline)) {
        err = no_reply(server, "no reply over UDP within the timeout");
        return err.error;
    }
    const ssize_t n = ::recv(fd.get(), buffer.data(), buffer.size(), 0);
    if (n < 0) {
        err = errno_error(server, "receive over UDP");
        return err.error;
    }
    buffer.resize(static_cast<std::size_t>(n));
    return buffer;
}

bool write_all(int fd, const Bytes& data, Clock::time_point deadline) {
    std::size_t done = 0;
    while (done < data.size()) {
        if (!wait_for(fd, POLLOUT, deadline)) return false;
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    return true;
}

bool read_exact(int fd, std::uint8_t* out, std::size_t size, Clock::time_point deadline) {
    std::size_t done = 0;
    while (done < size) {
        if (!wait_for(fd, POLLIN, deadline)) return false;
        const ssize_t n = ::recv(fd, out + done, size - done, 0);
        if (n == 0) return false;  // closed early
        if (n < 0 && errno != EAGAIN && errno != EINTR) return false;
        if (n > 0) done += static_cast<std::size_t>(n);
    }
    return true;
}

Result<Bytes> tcp_roundtrip(const HostPort& server, const Bytes& wire, Clock::time_point deadline,
                            ExchangeError& err) {
    DK_TRY(const UniqueFd fd, connect_socket(server, SOCK_STREAM, err));
    Bytes framed{static_cast<std::uint8_t>(wire.size() >> 8),
                 static_cast<std::uint8_t>(wire.size() & 0xff)};
    framed.insert(framed.end(), wire.begin(), wire.end());
    if (!write_all(fd.get(), framed, deadline)) {
        err = errno_error(server, "send over TCP");
        return err.error;
    }
    std::uint8_t length[2];
    if (!read_exact(fd.get(), length, 2, deadline)) {
        err = no_reply(server, "no reply over TCP within the timeout");
        return err.error;
    }
    Bytes reply(static_cast<std::size_t>(length[0]) << 8 | length[1]);
    if (!read_exact(fd.get(), reply.data(), reply.size(), deadline)) {
        err = no_reply(server, "TCP reply cut short");
        return err.error;
    }
    return reply;
}

// A UDP reply that only says "truncated, ask over TCP" for our ID.
bool truncated_for(const Bytes& reply, const ldns_pkt& sent) {
    if (reply.size() < LDNS_HEADER_SIZE) return false;
    return LDNS_ID_WIRE(reply.data()) == ldns_pkt_id(&sent) && LDNS_TC_WIRE(reply.data());
}

Result<ldns::PktPtr> prepare(const ldns_pkt& query, const TransportOptions& options) {
    ldns::PktPtr sent(ldns_pkt_clone(&query));
    if (!sent) return Error::environment("cannot copy the DNS query");
    // From the kernel's generator: OpenSSL's would be set up (seeded, one per thread) for two
    // bytes, which a short-lived `rollover check` pays in each of its observing threads.
    std::uint16_t id = 0;
    if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id)) {
        return Error::environment("no randomness for the DNS message ID");
    }
    ldns_pkt_set_id(sent.get(), id);
    if (options.tsig) {
        const std::string algorithm(tsig_algorithm_name(options.tsig->algorithm));
        const ldns_status s = ldns_pkt_tsig_sign(sent.get(), options.tsig->name.c_str(),
                                                 options.tsig->secret_base64.c_str(), options.fudge,
                                                 algorithm.c_str(), nullptr);
        if (s != LDNS_STATUS_OK) {
            return Error::bad_input("cannot sign with TSIG key " + options.tsig->name + ": " +
                                    ldns_get_errorstr_by_id(s));
        }
    }
    return sent;
}

Result<Bytes> to_wire(const ldns_pkt& pkt) {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    if (ldns_pkt2wire(&data, &pkt, &size) != LDNS_STATUS_OK) {
        return Error::bad_input("cannot encode the DNS message");
    }
    Bytes wire(data, data + size);
    LDNS_FREE(data);
    return wire;
}

}  // namespace

ExchangeOutcome exchange_detailed(const HostPort& server, const ldns_pkt& query,
                                  const TransportOptions& options) {
    ExchangeOutcome out;
    auto sent = prepare(query, options);
    if (!sent) {
        out.error = ExchangeError{ExchangeFailure::bad_reply, sent.error()};
        return out;
    }
    auto wire = to_wire(**sent);
    if (!wire) {
        out.error = ExchangeError{ExchangeFailure::bad_reply, wire.error()};
        return out;
    }
    const std::string name = server.to_string();
    ExchangeError err;
    if (options.protocol == Protocol::udp_then_tcp) {
        auto reply = udp_roundtrip(server, *wire, Clock::now() + options.timeout, err);
        if (!reply) {
            out.error = err;
            return out;
        }
        if (!truncated_for(*reply, **sent)) {
            return check_reply(name, **sent, *reply, options.tsig, options.fudge,
                               std::time(nullptr));
        }
    }
    auto reply = tcp_roundtrip(server, *wire, Clock::now() + options.timeout, err);
    if (!reply) {
        out.error = err;
        return out;
    }
    return check_reply(name, **sent, *reply, options.tsig, options.fudge, std::time(nullptr));
}

Result<ldns::PktPtr> exchange(const HostPort& server, const ldns_pkt& query,
                              const TransportOptions& options) {
    ExchangeOutcome out = exchange_detailed(server, query, options);
    if (out.ok()) return std::move(out.reply);
    return out.error->error;
}

Result<ldns::PktPtr> ask_server(const HostPort& server, const Question& question,
                                const TransportOptions& options) {
    ldns::RdfPtr qname(ldns_dname_new_frm_str(question.name.c_str()));
    if (!qname)
        return Error::bad_input("bad " + std::string(question.name_kind) + " " + question.name);
    ldns::PktPtr q(ldns_pkt_query_new(qname.get(), question.type, LDNS_RR_CLASS_IN,
                                      question.recursion_desired ? LDNS_RD : 0));
    if (!q) return Error::environment("cannot build a query for " + question.name);
    qname.release();  // the question owns it now
    if (!question.plain) {
        ldns_pkt_set_edns_udp_size(q.get(), 1232);
        ldns_pkt_set_edns_do(q.get(), true);
    }
    return exchange(server, *q, options);
}

}  // namespace dk::zone
