#include "acme/jws.h"

#include <openssl/ecdsa.h>
#include <openssl/hmac.h>

#include <array>

#include "base/base64.h"
#include "base/openssl_error.h"
#include "base/openssl_handles.h"

namespace dk::acme {

nlohmann::json protected_header_json(const ProtectedHeader& header) {
    nlohmann::json h{{"alg", "ES256"}, {"nonce", header.nonce}, {"url", header.url}};
    if (header.kid)
        h["kid"] = *header.kid;
    else if (header.jwk)
        h["jwk"] = *header.jwk;
    return h;
}

Result<std::string> es256_sign(const EVP_PKEY& key, std::string_view signing_input) {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    std::array<unsigned char, 80> der{};
    std::size_t der_len = der.size();
    // EVP_DigestSignInit takes a non-const key but only references it.
    if (!ctx ||
        EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                           const_cast<EVP_PKEY*>(&key)) != 1 ||
        EVP_DigestSign(ctx.get(), der.data(), &der_len,
                       reinterpret_cast<const unsigned char*>(signing_input.data()),
                       signing_input.size()) != 1) {
        return ossl::error_from_queue(ErrorKind::environment, "ES256 signature");
    }
    const unsigned char* p = der.data();
    ossl::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der_len)));
    if (!sig) return ossl::error_from_queue(ErrorKind::environment, "ES256 signature decoding");
    std::array<std::uint8_t, 64> raw{};
    if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), 32) != 32 ||
        BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + 32, 32) != 32) {
        return ossl::error_from_queue(ErrorKind::environment, "ES256 signature encoding");
    }
    return base64url(raw);
}

Result<nlohmann::json> sign_request(const EVP_PKEY& key, const ProtectedHeader& header,
                                    const std::optional<nlohmann::json>& payload) {
    const std::string protected64 = base64url(protected_header_json(header).dump());
    const std::string payload64 = payload ? base64url(payload->dump()) : std::string();
    DK_TRY(std::string signature, es256_sign(key, protected64 + "." + payload64));
    return nlohmann::json{
        {"protected", protected64}, {"payload", payload64}, {"signature", signature}};
}

std::string compact(const nlohmann::json& flattened) {
    return flattened.at("protected").get<std::string>() + "." +
           flattened.at("payload").get<std::string>() + "." +
           flattened.at("signature").get<std::string>();
}

Result<nlohmann::json> external_account_binding(const nlohmann::json& account_jwk,
                                                const std::string& eab_kid, const Bytes& mac_key,
                                                const std::string& new_account_url) {
    if (mac_key.empty()) return Error::bad_input("EAB: empty MAC key");
    const nlohmann::json header{{"alg", "HS256"}, {"kid", eab_kid}, {"url", new_account_url}};
    const std::string protected64 = base64url(header.dump());
    const std::string payload64 = base64url(account_jwk.dump());
    const std::string input = protected64 + "." + payload64;
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    if (HMAC(EVP_sha256(), mac_key.data(), static_cast<int>(mac_key.size()),
             reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(),
             &mac_len) == nullptr) {
        return ossl::error_from_queue(ErrorKind::environment, "EAB HMAC");
    }
    return nlohmann::json{{"protected", protected64},
                          {"payload", payload64},
                          {"signature", base64url(std::span(mac.data(), mac_len))}};
}

}  // namespace dk::acme
