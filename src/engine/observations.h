// What the shell saw in the world just now: DNS at every authoritative server and the
// certificates the live endpoints present. The planner decides from these and the state only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/hex.h"
#include "base/tlsa.h"

namespace dk::engine {

struct OwnerView {
    std::string owner;                   // _25._tcp.mx1.example.net.
    std::vector<TlsaRecord> at_primary;  // the RRset the primary serves (basis for prerequisites)
    // Every authoritative server serves exactly at_primary, with a serial at least the primary's,
    // and its RRSIGs validate (or it is being awaited).
    bool propagated = false;
    bool validated = false;
    Seconds ttl_max{0};  // max over TLSA TTL, RRSIG original TTL, CNAMEs; negative TTL if new
    // Each server that does not serve at_primary validated yet, and why (one line each, naming
    // its address and NS name): what a wait for propagation is waiting for.
    std::vector<std::string> lagging;
};

struct EndpointView {
    std::string endpoint;    // host:port
    std::string address;     // the IP probed
    bool reachable = false;  // TLS handshake completed
    std::optional<Bytes> leaf_spki_sha256;
    bool dane_ok = false;  // OpenSSL's DANE verifier accepted it against the published RRset
    std::string problem;   // why not, one line
};

struct Observations {
    TimePoint now{};
    std::optional<MonotonicReading> monotonic;  // read with now; nullopt: none on this system
    std::vector<OwnerView> owners;
    std::vector<EndpointView> endpoints;
    // The records a chain ready for deployment (for next, or a renewal) would match, for every
    // usage/selector/mtype combination published at the owners (RFC 7671 section 8).
    std::optional<std::vector<TlsaRecord>> pending_chain_matches;
    // Why senders applying an enforced policy besides DANE (MTA-STS) would refuse the chain ready
    // for deployment (KeyVault::sender_refusals); while any is present it is not deployed.
    std::vector<std::string> pending_chain_refusals;
    // The same for the chain that is served now.
    std::optional<std::vector<TlsaRecord>> served_chain_matches;
    // When the CA wants the current certificate renewed (ACME renewal information, RFC 9773);
    // unset: renew_before ahead of expiry.
    std::optional<TimePoint> renew_at;
    // A shared owner's link replaced TLSA RRsets resolvers may still hold: until then no record
    // leaves the published RRset (DnsPublisher::prepare_owners).
    std::optional<TimePoint> removals_not_before;
    // Why the zone's records cannot validate at all (the parent's DS: not validated, absent,
    // disagreeing, of no served KSK), each with its fix; one line each. While any is present,
    // a run that would stop at a wait stops at an alert naming them.
    std::vector<std::string> trust_problems;
};

}  // namespace dk::engine
