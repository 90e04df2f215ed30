// The BSI TR-03108-1 audit as a pure function: per endpoint and address, the requirements
// EMLREQ_2 (TLS), EMLREQ_4 (DANE incoming, DNSSEC) and EMLREQ_6 (certified CA), each with its
// evidence, judged from what the servers answered and the probes saw at `now`.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"

namespace dk::ops {

// One authoritative server's answer at a TLSA owner.
struct ServerEvidence {
    std::string server;
    bool answered = false;
    std::string problem;
    std::uint32_t serial = 0;
    std::vector<std::string> rdatas;  // sorted presentation form
    std::uint32_t ttl = 0;
    bool validated = false;  // RRSIG chain up to the trust anchor checks out
    std::optional<TimePoint> rrsig_expiration;
    std::vector<std::string> cnames;  // followed from the owner (a shared TLSA owner, RFC 7671)
};

// One probe of one address (one handshake per chain the address presents).
struct AddressEvidence {
    std::string address;
    std::string algorithm;  // the presented key's family (rsa, ecdsa, ed25519); empty: no TLS
    bool tls = false;       // STARTTLS (or implicit TLS) handshake completed
    std::string tls_version;
    std::string cipher;
    bool forward_secret = false;
    std::string leaf_spki_sha256;  // hex
    std::string issuer;
    std::string issuer_spki_sha256;  // hex; empty when the server sent no issuer
    bool dane_ok = false;
    std::string matched;                    // the TLSA record OpenSSL's DANE verifier matched
    std::vector<std::string> also_matched;  // the other records the sent chain matches
    std::string problem;
};

struct EndpointEvidence {
    std::string endpoint;  // host:port
    std::string owner;     // _port._tcp.host.
    std::vector<ServerEvidence> servers;
    std::string address_problem;  // addresses could not be found
    std::vector<AddressEvidence> addresses;
    std::string slot;  // the configured slot the endpoint belongs to
};

struct AuditPolicy {
    // The configured trust anchor's DS records (presentation form); empty: no DS anchor.
    std::vector<std::string> trust_anchor_ds;
    std::set<std::string> certified_ca_spki_sha256;  // lower-case hex
};

struct Requirement {
    std::string id;     // EMLREQ_2, EMLREQ_4, EMLREQ_6
    std::string check;  // e.g. forward_secrecy
    bool pass = false;
    std::string evidence;
};

struct AuditItem {
    std::string endpoint;
    std::string address;    // "-" when no address could be probed
    std::string algorithm;  // the chain's key family; empty when no handshake completed
    TimePoint at{};
    std::vector<Requirement> requirements;
    [[nodiscard]] bool pass() const;
};

std::vector<AuditItem> judge_audit(const std::vector<EndpointEvidence>& endpoints,
                                   const AuditPolicy& policy, TimePoint now);

}  // namespace dk::ops
