// JSON Web Keys (RFC 7517) for the ACME account key, their RFC 7638 thumbprints, and the
// key authorizations built from them (RFC 8555 section 8.1).
#pragma once

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::acme {

// The public JWK of an EC P-256 key: {"crv":"P-256","kty":"EC","x":...,"y":...}.
Result<nlohmann::json> public_jwk(const EVP_PKEY& key);

// RFC 7638: SHA-256 over the required members in lexicographic order without whitespace,
// base64url. EC (crv, kty, x, y), RSA (e, kty, n) and oct (k, kty); bad_input otherwise.
Result<std::string> jwk_thumbprint(const nlohmann::json& jwk);

// token "." thumbprint
std::string key_authorization(std::string_view token, std::string_view thumbprint);

// dns-01: the TXT value is base64url(SHA-256(key authorization)).
std::string dns01_txt_value(std::string_view key_authorization);

}  // namespace dk::acme
