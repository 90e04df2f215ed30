// How long after a dns-01 TXT is served everywhere a resolver may still hold an answer that
// contradicts it: a cached denial (the NXDOMAIN or NODATA itself, or the NSEC/NSEC3 covering the
// owner, which RFC 8198 lets a validating resolver reuse for names it never asked about) or an
// earlier TXT. Computed from what the authoritative servers served before publication, bounded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "zone/dns_transport.h"

namespace dk::service {

// One server's answer for the owner's TXT before our records were added.
struct PriorAnswer {
    std::uint32_t denial_ttl = 0;    // NSEC/NSEC3 (and their RRSIGs' original TTL) in authority
    std::uint32_t negative_ttl = 0;  // min(SOA TTL, SOA MINIMUM) (RFC 2308) on a denial
    std::uint32_t txt_ttl = 0;       // a TXT already there (and its RRSIG's original TTL)
    friend bool operator==(const PriorAnswer&, const PriorAnswer&) = default;
};

struct CacheWait {
    Seconds wait{0};      // from the moment every server serves the TXT
    bool capped = false;  // the servers' TTLs asked for more than the maximum
};

// Resolvers count TTLs in whole seconds from when they fetched: one second covers the rounding.
inline constexpr Seconds cache_wait_margin{1};

// The longest anything in `answers` may be held, plus the margin, at most `maximum`. Nothing to
// wait for (every TTL 0) is no wait.
CacheWait cache_wait(const std::vector<PriorAnswer>& answers, Seconds maximum);

// What one reply (TXT question, DO set) says a resolver may hold.
PriorAnswer read_prior_answer(const ldns_pkt& reply);
// Asks `server` for OWNER TXT (no recursion, DO set) and reads its reply.
Result<PriorAnswer> ask_prior_answer(const HostPort& server,
                                     const zone::TransportOptions& transport,
                                     const std::string& owner);

}  // namespace dk::service
