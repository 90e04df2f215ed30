// An in-process DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port, one thread) whose
// replies fail in chosen ways, to drive the transport and the publisher (after Kea's
// nc_test_utils). It signs replies with the given TSIG key the way a real server does.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "zone/tsig_key.h"

namespace dk::zone::testing {

enum class FakeMode {
    answer,             // a correct reply with the configured rcode
    corrupt,            // the reply cut in half
    wrong_id,           // a correct reply with another message ID
    wrong_question,     // a correct reply for another name
    bad_tsig,           // signed with another secret
    unsigned_reply,     // no TSIG RR at all
    tsig_error,         // rcode NOTAUTH and the TSIG error field set (BADSIG/BADKEY/BADTIME)
    truncate_then_tcp,  // UDP: TC set and nothing else; TCP: a correct reply
    silence,            // never answers
};

struct FakeBehaviour {
    FakeMode mode = FakeMode::answer;
    ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
    std::uint16_t tsig_error = 16;  // for FakeMode::tsig_error
    std::uint32_t soa_serial = 42;  // SOA queries get this serial
};

// The reply a real server would send to `request` (a parsed request, TSIG included), signed
// with `key` over the request's MAC.
std::vector<std::uint8_t> make_reply(const ldns_pkt& request, ldns_pkt_rcode rcode,
                                     const std::optional<TsigKey>& key,
                                     std::uint32_t soa_serial = 42);

class FakeDnsServer {
  public:
    explicit FakeDnsServer(std::optional<TsigKey> key);
    ~FakeDnsServer();
    FakeDnsServer(const FakeDnsServer&) = delete;
    FakeDnsServer& operator=(const FakeDnsServer&) = delete;

    [[nodiscard]] HostPort address() const { return {"127.0.0.1", port_}; }
    void set(FakeBehaviour behaviour);
    // UPDATE messages received (any transport).
    [[nodiscard]] int updates() const { return updates_.load(); }
    [[nodiscard]] int tcp_requests() const { return tcp_requests_.load(); }
    // Every record of every UPDATE's prerequisite and update sections, as ldns prints them.
    [[nodiscard]] std::vector<std::string> update_records();

  private:
    void run();
    std::optional<std::vector<std::uint8_t>> respond(const std::vector<std::uint8_t>& wire,
                                                     bool over_tcp);
    void serve_tcp_client(int fd);

    std::optional<TsigKey> key_;
    int udp_ = -1;
    int tcp_ = -1;
    std::uint16_t port_ = 0;
    std::mutex mutex_;
    FakeBehaviour behaviour_;
    std::atomic<bool> stop_{false};
    std::atomic<int> updates_{0};
    std::atomic<int> tcp_requests_{0};
    std::vector<std::string> update_records_;  // under mutex_
    std::thread thread_;
};

}  // namespace dk::zone::testing
