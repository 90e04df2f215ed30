#include "acme/jwk.h"

#include <openssl/core_names.h>
#include <openssl/sha.h>

#include <array>

#include "base/base64.h"
#include "base/openssl_error.h"

namespace dk::acme {
namespace {

std::string sha256_b64(std::string_view text) {
    std::array<std::uint8_t, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest.data());
    return base64url(digest);
}

}  // namespace

Result<nlohmann::json> public_jwk(const EVP_PKEY& key) {
    if (EVP_PKEY_get_base_id(&key) != EVP_PKEY_EC)
        return Error::bad_input("account key: must be an EC P-256 key (ES256)");
    char curve[32] = {};
    if (EVP_PKEY_get_utf8_string_param(&key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof curve,
                                       nullptr) != 1 ||
        std::string_view(curve) != "prime256v1") {
        return Error::bad_input("account key: must be on curve P-256 (ES256)");
    }
    std::array<std::uint8_t, 65> point{};
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(&key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                        point.size(), &len) != 1 ||
        len != 65 || point[0] != 0x04) {
        return ossl::error_from_queue(ErrorKind::bad_input, "account key: public point");
    }
    return nlohmann::json{{"crv", "P-256"},
                          {"kty", "EC"},
                          {"x", base64url(std::span(point).subspan(1, 32))},
                          {"y", base64url(std::span(point).subspan(33, 32))}};
}

Result<std::string> jwk_thumbprint(const nlohmann::json& jwk) {
    if (!jwk.is_object() || !jwk.contains("kty") || !jwk["kty"].is_string())
        return Error::bad_input("JWK: no kty");
    const std::string kty = jwk["kty"];
    std::vector<std::string> members;
    if (kty == "EC")
        members = {"crv", "kty", "x", "y"};
    else if (kty == "RSA")
        members = {"e", "kty", "n"};
    else if (kty == "oct")
        members = {"k", "kty"};
    else
        return Error::bad_input("JWK: unsupported kty " + kty.substr(0, 16));
    // nlohmann::json keeps object members sorted and dump() writes no whitespace: exactly the
    // canonical form RFC 7638 section 3.2 asks for.
    nlohmann::json required = nlohmann::json::object();
    for (const auto& m : members) {
        if (!jwk.contains(m) || !jwk[m].is_string()) return Error::bad_input("JWK: no " + m);
        required[m] = jwk[m];
    }
    return sha256_b64(required.dump());
}

std::string key_authorization(std::string_view token, std::string_view thumbprint) {
    return std::string(token) + "." + std::string(thumbprint);
}

std::string dns01_txt_value(std::string_view key_authorization) {
    return sha256_b64(key_authorization);
}

}  // namespace dk::acme
