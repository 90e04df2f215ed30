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

struct ProbeRequest {
    Endpoint endpoint;
    std::string address;           // IPv4 or IPv6 literal
    std::vector<TlsaRecord> tlsa;  // may be empty: then nothing can match
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
    bool dane_ok = false;
    std::optional<TlsaRecord> matched;  // the record OpenSSL's DANE verifier matched
    std::string dane_error;             // why nothing matched
};

ProbeResult probe_one(const ProbeRequest& request, const ProbeOptions& options);

// Probes concurrently (bounded by options.concurrency); results in request order.
std::vector<ProbeResult> probe_all(const std::vector<ProbeRequest>& requests,
                                   const ProbeOptions& options);

}  // namespace dk::probe
