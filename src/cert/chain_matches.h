// Which published TLSA records a chain matches (RFC 7671 section 8 needs one per published
// usage/selector/mtype combination). Usage 3/1 match the leaf, usage 2/0 an issuer in the chain.
#pragma once

#include <openssl/x509.h>

#include <vector>

#include "base/tlsa.h"

namespace dk::cert {

std::vector<TlsaRecord> chain_matches(const std::vector<const X509*>& chain,
                                      const std::vector<TlsaRecord>& published);

}  // namespace dk::cert
