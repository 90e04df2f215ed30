// Whatever an operator hands us as "the certificate": PEM or DER certificate(s), or a private or
// public key. One loader with one-line errors naming the file and the problem.
#pragma once

#include <string>
#include <string_view>

#include "base/openssl_handles.h"
#include "base/result.h"
#include "cert/chain.h"

namespace dk::cert {

struct Material {
    Chain chain;           // leaf first; empty when the file holds only a key
    ossl::EvpPkeyPtr key;  // the key (private or public) when the file holds no certificate
    bool private_key = false;
};

// Accepts PEM (certificates, PRIVATE KEY, PUBLIC KEY) or DER (certificate, SPKI, PKCS#8).
// Refuses: empty input, truncated PEM, encrypted keys, DSA and other unsupported algorithms,
// RSA below 2048 or above 4096 bits, EC curves other than P-256/P-384.
Result<Material> parse_material(std::string_view bytes, const std::string& source);
Result<Material> load_material(const std::string& path);

// The key algorithm check on its own ("RSA 1024 bits: too short").
Status check_key_algorithm(const EVP_PKEY& key, const std::string& source);

}  // namespace dk::cert
