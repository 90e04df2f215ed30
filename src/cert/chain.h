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

std::vector<const X509*> borrow(const Chain& chain);

// The DNS names of the subjectAltName extension, lower case.
std::vector<std::string> dns_names(const X509& certificate);

TimePoint not_after(const X509& certificate);
TimePoint not_before(const X509& certificate);
std::string issuer_text(const X509& certificate);

}  // namespace dk::cert
