// Live probing: connect to an endpoint's address, start TLS the way its protocol does, and let
// OpenSSL's own DANE verifier judge the presented chain against a TLSA set (RFC 7672 rules:
// DANE-EE without name checks). Every step has a deadline; a hostile server only fails its probe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/hex.h"
#include "base/result.h"
#include "base/tlsa.h"

namespace dk::probe {

// The kind of key a server authenticates with. A server holding several chains (Postfix
// `smtpd_tls_chain_files` with an RSA and an ECDSA pair, Dovecot `ssl_alt_cert`) chooses one by
// the client's signature algorithms (TLS 1.3) and cipher suites (TLS 1.2); a probe that offers
// only one family's makes the server present that family's chain or refuse the handshake.
enum class KeyFamily { any, rsa, ecdsa, ed25519 };
std::string_view to_string(KeyFamily family);
// The family of a configured key algorithm (`rsa-2048`, `ecdsa-p256`, `ed25519`...).
Result<KeyFamily> family_of_algorithm(std::string_view algorithm);
// The families a sender may negotiate chains for, each probed on its own (audit, check).
inline constexpr KeyFamily sender_families[] = {KeyFamily::ecdsa, KeyFamily::rsa};

struct ProbeRequest {
    Endpoint endpoint;
    std::string address;                // IPv4 or IPv6 literal
    std::vector<TlsaRecord> tlsa;       // may be empty: then nothing can match
    KeyFamily family = KeyFamily::any;  // offer only this family's algorithms (any: all)
};

struct ProbeOptions {
    std::chrono::milliseconds timeout{10'000};  // whole probe: connect, dialogue, handshake
    std::string ehlo_name = "danekeeper.invalid";
    int concurrency = 64;
};

enum class Stage { connect, banner, ehlo, starttls, handshake, verify, done };
std::string_view to_string(Stage stage);

struct ProbeResult {
    std::string endpoint;           // host:port
    std::string address;            // probe_target(): with the port when a probe address moves it
    Stage failed_at = Stage::done;  // done = every step worked (DANE may still say no)
    std::string problem;            // why it failed, one line
    bool environment_failure = false;  // unreachable / timeout (exit 3) rather than a mismatch
    std::string tls_version;
    std::string cipher;
    bool forward_secret = false;
    std::optional<Bytes> leaf_spki_sha256;
    std::string issuer;
    std::optional<Bytes> issuer_spki_sha256;  // the presented certificate that issued the leaf
    std::string not_after;                    // ISO 8601
    // The certificates the server sent, leaf first, in PEM (at most 16): for the checks of
    // senders that authenticate by WebPKI instead of DANE (MTA-STS, cert::verify_for_host).
    std::string presented_chain_pem;
    bool dane_ok = false;
    std::optional<TlsaRecord> matched;  // the record OpenSSL's DANE verifier matched
    // Every given record the chain the server sent matches: usage 3/1 its leaf, usage 2/0 a
    // certificate in it (RFC 7671 section 5.2.2: a trust anchor the server does not send is no
    // match for a digest record). OpenSSL stops at the first match; this names them all.
    std::vector<TlsaRecord> chain_matches;
    std::string dane_error;              // why nothing matched
    KeyFamily offered = KeyFamily::any;  // what the request offered
    std::string key_family;              // the presented leaf's key: "rsa", "ecdsa", "ed25519"
    // A handshake offering one family only was refused by the server (handshake_failure alert):
    // the endpoint holds no chain of that family.
    bool family_refused = false;
};

ProbeResult probe_one(const ProbeRequest& request, const ProbeOptions& options);

// Probes concurrently (bounded by options.concurrency); results in request order.
std::vector<ProbeResult> probe_all(const std::vector<ProbeRequest>& requests,
                                   const ProbeOptions& options);

// Every chain each request's address presents: one handshake per sender family; a family the
// server refuses is left out; when it refuses every family (or the server cannot be reached),
// the result of one handshake that offers everything stands alone. Per request, in order.
std::vector<std::vector<ProbeResult>> probe_all_chains(const std::vector<ProbeRequest>& requests,
                                                       const ProbeOptions& options);

}  // namespace dk::probe
