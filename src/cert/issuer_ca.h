// The CA certificates a slot's certificates may come from (`issuer_certificates`): each is
// published as TLSA 2 1 1, the SHA-256 of its SubjectPublicKeyInfo (RFC 7671 section 5.2).
#pragma once

#include <string>
#include <string_view>

#include "base/hex.h"
#include "base/result.h"

namespace dk::cert {

struct IssuerCa {
    std::string source;   // the file it came from
    std::string subject;  // one line, as OpenSSL prints it
    Bytes spki_sha256;    // the data of its 2 1 1 record
};

// Exactly one PEM certificate, a CA's (basicConstraints CA:TRUE); bad_input naming `source` and
// the reason otherwise.
Result<IssuerCa> parse_issuer_ca_pem(std::string_view pem, const std::string& source);

// The same from a file, read with a bound (base/files.h): missing, not a regular file or too
// large is bad_input naming the file.
Result<IssuerCa> read_issuer_ca(const std::string& path);

}  // namespace dk::cert
