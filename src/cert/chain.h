// Certificate chains in PEM: leaf first, each certificate issued by the next.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/openssl_handles.h"
#include "base/result.h"

namespace dk::cert {

using Chain = std::vector<ossl::X509Ptr>;

// Every certificate in the PEM text, in order; none is an error.
Result<Chain> parse_chain_pem(std::string_view pem, const std::string& source);

// Each certificate is issued by the one after it.
Status check_chain_order(const Chain& chain, const std::string& source);

Result<std::string> chain_pem(const Chain& chain);

// The chain (leaf first) verifies, for a TLS server, to the roots in ca_file, or to the system's
// when unset: check_failed naming the roots and OpenSSL's reason otherwise.
Status verify_chain_to_roots(const std::string& chain_pem,
                             const std::optional<std::string>& ca_file);

// The same for a server named `host` (the leaf's names must cover it): what a sender that
// authenticates by WebPKI (MTA-STS, RFC 8461 section 4.2; HTTPS) checks.
Status verify_for_host(const Chain& chain, const std::string& host,
                       const std::optional<std::string>& ca_file);

// A name whose senders authenticate the server by WebPKI instead of DANE (MTA-STS in enforce
// mode, RFC 8461 section 4.2): a chain served there must verify for `host` to `ca_bundle`.
struct WebPkiDemand {
    std::string endpoint;  // host:port
    std::string host;
    std::string why;                       // "example.net's MTA-STS policy is enforce"
    std::string fix;                       // what the operator can do
    std::optional<std::string> ca_bundle;  // the WebPKI roots; none: the system store
};

// One line per demand the chain fails: "ENDPOINT: WHY and the chain does not verify ...; fix:
// FIX".
std::vector<std::string> webpki_refusals(const Chain& chain,
                                         const std::vector<WebPkiDemand>& demands);

std::vector<const X509*> borrow(const Chain& chain);

// The DNS names of the subjectAltName extension, lower case.
std::vector<std::string> dns_names(const X509& certificate);

TimePoint not_after(const X509& certificate);
TimePoint not_before(const X509& certificate);
std::string issuer_text(const X509& certificate);

}  // namespace dk::cert
