#include "fake_dns_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "base/ldns_handles.h"

namespace dk::zone::testing {
namespace {

std::vector<std::uint8_t> to_wire(const ldns_pkt& pkt) {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    if (ldns_pkt2wire(&data, &pkt, &size) != LDNS_STATUS_OK) return {};
    std::vector<std::uint8_t> out(data, data + size);
    LDNS_FREE(data);
    return out;
}

void add_soa(ldns_pkt* reply, const ldns_rr* question, std::uint32_t serial) {
    ldns::CStringPtr owner(ldns_rdf2str(ldns_rr_owner(question)));
    const std::string text = std::string(owner.get()) + " 60 IN SOA ns1. host. " +
                             std::to_string(serial) + " 60 60 600 30";
    ldns_rr* soa = nullptr;
    if (ldns_rr_new_frm_str(&soa, text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK) {
        ldns_pkt_push_rr(reply, LDNS_SECTION_ANSWER, soa);
    }
}

int bind_socket(int type, std::uint16_t port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace

std::vector<std::uint8_t> make_reply(const ldns_pkt& request, ldns_pkt_rcode rcode,
                                     const std::optional<TsigKey>& key, std::uint32_t soa_serial) {
    ldns::PktPtr reply(ldns_pkt_new());
    ldns_pkt_set_id(reply.get(), ldns_pkt_id(&request));
    ldns_pkt_set_opcode(reply.get(), ldns_pkt_get_opcode(&request));
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_aa(reply.get(), true);
    ldns_pkt_set_rcode(reply.get(), static_cast<std::uint8_t>(rcode));
    const ldns_rr_list* question = ldns_pkt_question(&request);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(question); ++i) {
        const ldns_rr* q = ldns_rr_list_rr(question, i);
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(q));
        if (ldns_pkt_get_opcode(&request) == LDNS_PACKET_QUERY &&
            ldns_rr_get_type(q) == LDNS_RR_TYPE_SOA) {
            add_soa(reply.get(), q, soa_serial);
        }
    }
    if (key) {
        const ldns_rr* tsig = ldns_pkt_tsig(&request);
        const ldns_rdf* mac = tsig != nullptr ? ldns_rr_rdf(tsig, 3) : nullptr;
        const std::string algorithm(tsig_algorithm_name(key->algorithm));
        ldns_pkt_tsig_sign(reply.get(), key->name.c_str(), key->secret_base64.c_str(), 300,
                           algorithm.c_str(), mac);
    }
    return to_wire(*reply);
}

FakeDnsServer::FakeDnsServer(std::optional<TsigKey> key) : key_(std::move(key)) {
    for (int tries = 0; tries < 20 && tcp_ < 0; ++tries) {
        if (udp_ >= 0) ::close(udp_);
        udp_ = bind_socket(SOCK_DGRAM, 0);
        sockaddr_in addr{};
        socklen_t len = sizeof addr;
        ::getsockname(udp_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        tcp_ = bind_socket(SOCK_STREAM, port_);
    }
    if (tcp_ < 0 || ::listen(tcp_, 8) != 0) throw std::runtime_error("fake DNS server: no port");
    thread_ = std::thread([this] { run(); });
}

FakeDnsServer::~FakeDnsServer() {
    stop_ = true;
    thread_.join();
    ::close(udp_);
    ::close(tcp_);
}

std::vector<std::string> FakeDnsServer::update_records() {
    std::lock_guard lock(mutex_);
    return update_records_;
}

void FakeDnsServer::set(FakeBehaviour behaviour) {
    std::lock_guard lock(mutex_);
    behaviour_ = behaviour;
}

void FakeDnsServer::run() {
    std::vector<std::uint8_t> buffer(65535);
    while (!stop_) {
        pollfd fds[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
        if (::poll(fds, 2, 20) <= 0) continue;
        if ((fds[0].revents & POLLIN) != 0) {
            sockaddr_storage peer{};
            socklen_t len = sizeof peer;
            const ssize_t n = ::recvfrom(udp_, buffer.data(), buffer.size(), 0,
                                         reinterpret_cast<sockaddr*>(&peer), &len);
            if (n <= 0) continue;
            auto reply = respond({buffer.begin(), buffer.begin() + n}, false);
            if (reply) {
                ::sendto(udp_, reply->data(), reply->size(), 0, reinterpret_cast<sockaddr*>(&peer),
                         len);
            }
        }
        if ((fds[1].revents & POLLIN) != 0) {
            const int fd = ::accept(tcp_, nullptr, nullptr);
            if (fd >= 0) serve_tcp_client(fd);
        }
    }
}

void FakeDnsServer::serve_tcp_client(int fd) {
    ++tcp_requests_;
    std::uint8_t len[2];
    if (::recv(fd, len, 2, MSG_WAITALL) == 2) {
        std::vector<std::uint8_t> wire(static_cast<std::size_t>(len[0]) << 8 | len[1]);
        if (::recv(fd, wire.data(), wire.size(), MSG_WAITALL) ==
            static_cast<ssize_t>(wire.size())) {
            if (auto reply = respond(wire, true)) {
                std::vector<std::uint8_t> framed{static_cast<std::uint8_t>(reply->size() >> 8),
                                                 static_cast<std::uint8_t>(reply->size())};
                framed.insert(framed.end(), reply->begin(), reply->end());
                ::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL);
            }
        }
    }
    ::close(fd);
}

std::optional<std::vector<std::uint8_t>> FakeDnsServer::respond(
    const std::vector<std::uint8_t>& wire, bool over_tcp) {
    FakeBehaviour b;
    {
        std::lock_guard lock(mutex_);
        b = behaviour_;
    }
    ldns_pkt* parsed = nullptr;
    if (ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK) return std::nullopt;
    ldns::PktPtr request(parsed);
    if (ldns_pkt_get_opcode(request.get()) == LDNS_PACKET_UPDATE) {
        ++updates_;
        std::lock_guard lock(mutex_);
        for (const ldns_rr_list* list :
             {ldns_pkt_answer(request.get()), ldns_pkt_authority(request.get())}) {
            for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
                ldns::CStringPtr text(ldns_rr2str(ldns_rr_list_rr(list, i)));
                if (text) update_records_.emplace_back(text.get());
            }
        }
    }
    switch (b.mode) {
        case FakeMode::silence:
            return std::nullopt;
        case FakeMode::answer:
            return make_reply(*request, b.rcode, key_, b.soa_serial);
        case FakeMode::corrupt: {
            auto reply = make_reply(*request, b.rcode, key_, b.soa_serial);
            reply.resize(reply.size() / 2);
            return reply;
        }
        case FakeMode::wrong_id:
            ldns_pkt_set_id(request.get(),
                            static_cast<std::uint16_t>(ldns_pkt_id(request.get()) + 1));
            return make_reply(*request, b.rcode, key_, b.soa_serial);
        case FakeMode::wrong_question: {
            ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(request.get()), 0);
            ldns_rdf_deep_free(ldns_rr_owner(q));
            ldns_rr_set_owner(q, ldns_dname_new_frm_str("elsewhere.invalid."));
            return make_reply(*request, b.rcode, key_, b.soa_serial);
        }
        case FakeMode::bad_tsig: {
            auto other = key_;
            if (other) other->secret_base64 = "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==";
            return make_reply(*request, b.rcode, other, b.soa_serial);
        }
        case FakeMode::unsigned_reply:
            return make_reply(*request, b.rcode, std::nullopt, b.soa_serial);
        case FakeMode::tsig_error: {
            auto reply = make_reply(*request, LDNS_RCODE_NOTAUTH, key_, b.soa_serial);
            // The TSIG error field is the 2 bytes before the 2-byte other-len at the very end.
            if (reply.size() > 4) {
                reply[reply.size() - 4] = static_cast<std::uint8_t>(b.tsig_error >> 8);
                reply[reply.size() - 3] = static_cast<std::uint8_t>(b.tsig_error);
            }
            return reply;
        }
        case FakeMode::truncate_then_tcp: {
            if (over_tcp) return make_reply(*request, b.rcode, key_, b.soa_serial);
            std::vector<std::uint8_t> header(wire.begin(), wire.begin() + LDNS_HEADER_SIZE);
            header[2] |= 0x80 | 0x02;                                          // QR and TC
            for (std::size_t i = 4; i < LDNS_HEADER_SIZE; ++i) header[i] = 0;  // no sections
            return header;
        }
    }
    return std::nullopt;
}

}  // namespace dk::zone::testing
