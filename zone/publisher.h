// Publishing record changes into a zone. The rollover engine and `danekeeper publish` share
// this: read the RRsets, plan a ZoneChange, apply it, wait for the reported serial elsewhere.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "base/endpoint.h"
#include "base/result.h"
#include "zone/dns_transport.h"
#include "zone/tsig_key.h"
#include "zone/update_message.h"
#include "zone/update_reply.h"

namespace dk::zone {

class Publisher {
  public:
    virtual ~Publisher() = default;
    // The RRset at `owner` (absolute) as the zone's primary serves it now.
    virtual Result<Rrset> read_rrset(const std::string& owner, ldns_rr_type type) = 0;
    // Applies the minimal delta of `change`, guarded by change.expected. The Result fails only
    // for bad input (a record that does not parse, an owner outside the zone, an unguarded
    // change); every server answer, including refusals, is an UpdateResult.
    virtual Result<UpdateResult> apply(const ZoneChange& change) = 0;
};

struct Rfc2136Options {
    HostPort server;             // the primary (IP:port)
    std::optional<TsigKey> key;  // signs updates and queries; replies must be signed too
    std::chrono::milliseconds timeout{3000};          // per message
    int attempts = 3;                                 // UPDATE sends, when a resend is safe
    std::chrono::milliseconds backoff{200};           // before the 2nd send; doubles after
    std::chrono::milliseconds confirm_timeout{3000};  // waiting for the primary to serve it
};

// RFC 2136 dynamic update with TSIG (RFC 8945) against one primary.
class Rfc2136Publisher final : public Publisher {
  public:
    explicit Rfc2136Publisher(Rfc2136Options options) : options_(std::move(options)) {}
    Result<Rrset> read_rrset(const std::string& owner, ldns_rr_type type) override;
    Result<UpdateResult> apply(const ZoneChange& change) override;

  private:
    [[nodiscard]] TransportOptions transport() const;
    UpdateResult send_with_retries(const ldns_pkt& update, Protocol protocol);
    void confirm(const ZoneChange& delta, UpdateResult& result);
    Rfc2136Options options_;
};

// Queries the server directly (no recursion) and requires an authoritative answer. A CNAME at
// the owner is an error: records beside it would be ignored.
Result<Rrset> query_rrset(const HostPort& server, const TransportOptions& transport,
                          const std::string& owner, ldns_rr_type type);

Result<std::uint32_t> query_soa_serial(const HostPort& server, const TransportOptions& transport,
                                       const std::string& zone);

}  // namespace dk::zone
