// JSON Web Signatures for ACME requests (RFC 7515, RFC 8555 section 6.2): ES256 with the account
// key in the flattened JSON serialization, and HS256 for external account binding (section 7.3.4).
#pragma once

#include <openssl/evp.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "base/hex.h"
#include "base/result.h"

namespace dk::acme {

// What the protected header names besides "alg": the account URL (kid) once there is one,
// otherwise the public JWK (newAccount only).
struct ProtectedHeader {
    std::optional<std::string> kid;
    std::optional<nlohmann::json> jwk;
    std::string nonce;
    std::string url;
};

// The header JSON, members in sorted order: {"alg":"ES256","jwk"|"kid":...,"nonce":..,"url":..}.
nlohmann::json protected_header_json(const ProtectedHeader& header);

// ES256 over `signing_input` (ASCII "protected.payload"): the raw 64-byte r||s form JWS uses,
// base64url (RFC 7518 section 3.4), not OpenSSL's DER.
Result<std::string> es256_sign(const EVP_PKEY& key, std::string_view signing_input);

// {"protected":..., "payload":..., "signature":...}. A payload of nullopt is POST-as-GET: the
// empty string, not "e30" (RFC 8555 section 6.3).
Result<nlohmann::json> sign_request(const EVP_PKEY& key, const ProtectedHeader& header,
                                    const std::optional<nlohmann::json>& payload);

// protected.payload.signature
std::string compact(const nlohmann::json& flattened);

// The externalAccountBinding member of newAccount: the account's public JWK signed with the
// CA's MAC key (HS256), protected {"alg":"HS256","kid":eab_kid,"url":new_account_url}.
Result<nlohmann::json> external_account_binding(const nlohmann::json& account_jwk,
                                                const std::string& eab_kid, const Bytes& mac_key,
                                                const std::string& new_account_url);

}  // namespace dk::acme
