// The .private half of BIND's key files (Private-key-format v1.2/v1.3) to and from OpenSSL keys:
// RSA by its CRT fields, ECDSA P-256 and Ed25519 by the private value; secrets are wiped after use.
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/param_build.h>

#include <cctype>
#include <map>
#include <sstream>

#include "base/base64.h"
#include "base/openssl_error.h"
#include "base/strings.h"
#include "zone/sign/key_files.h"
#include "zone/sign/record_text.h"

namespace dk::zone::sign {
namespace {

// The RSA numbers of a .private file and the OpenSSL parameter each one is.
constexpr std::pair<const char*, const char*> rsa_fields[] = {
    {"Modulus", OSSL_PKEY_PARAM_RSA_N},           {"PublicExponent", OSSL_PKEY_PARAM_RSA_E},
    {"PrivateExponent", OSSL_PKEY_PARAM_RSA_D},   {"Prime1", OSSL_PKEY_PARAM_RSA_FACTOR1},
    {"Prime2", OSSL_PKEY_PARAM_RSA_FACTOR2},      {"Exponent1", OSSL_PKEY_PARAM_RSA_EXPONENT1},
    {"Exponent2", OSSL_PKEY_PARAM_RSA_EXPONENT2}, {"Coefficient", OSSL_PKEY_PARAM_RSA_COEFFICIENT1},
};

using ParamBldPtr = CHandle<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = CHandle<OSSL_PARAM, OSSL_PARAM_free>;

// A string that wipes itself: private key material read from a file.
struct SecretBytes {
    std::string bytes;
    SecretBytes() = default;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

bool decode_base64(std::string_view text, std::string& out) {
    std::string clean;
    for (const char c : text) {
        if (!std::isspace(static_cast<unsigned char>(c))) clean.push_back(c);
    }
    out.clear();
    const bool decoded = append_base64_decoded(out, clean);
    OPENSSL_cleanse(clean.data(), clean.size());
    return decoded;
}

// "Field: value" lines of a .private file.
std::map<std::string, std::string> private_fields(std::string_view text) {
    std::map<std::string, std::string> fields;
    std::istringstream in{std::string(text)};
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        fields[std::string(trim(std::string_view(line).substr(0, colon)))] =
            std::string(trim(std::string_view(line).substr(colon + 1)));
        OPENSSL_cleanse(line.data(), line.size());
    }
    return fields;
}

Result<ossl::EvpPkeyPtr> from_params(const char* type, OSSL_PARAM_BLD* bld,
                                     const std::string& source) {
    ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_KEYPAIR, params.get()) != 1)
        return ossl::error_from_queue(ErrorKind::bad_input, source + ": unusable private key");
    ossl::EvpPkeyPtr key(raw);
    ossl::EvpPkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_pairwise_check(check.get()) != 1)
        return ossl::error_from_queue(ErrorKind::bad_input,
                                      source + ": private and public key do not match");
    return key;
}

Result<ossl::EvpPkeyPtr> ecdsa_key(const std::map<std::string, std::string>& f, const Dnskey& k,
                                   const std::string& source) {
    SecretBytes priv;
    auto it = f.find("PrivateKey");
    if (it == f.end() || !decode_base64(it->second, priv.bytes) || priv.bytes.size() != 32)
        return Error::bad_input(source + ": PrivateKey: not a 32-byte base64 value");
    ossl::BignumPtr d(BN_secure_new());
    BN_bin2bn(reinterpret_cast<const unsigned char*>(priv.bytes.data()), 32, d.get());
    const std::string point = "\x04" + k.public_key;
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get());
    OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                     point.size());
    return from_params("EC", bld.get(), source);
}

Result<ossl::EvpPkeyPtr> rsa_key(const std::map<std::string, std::string>& f,
                                 const std::string& source) {
    ParamBldPtr bld(OSSL_PARAM_BLD_new());
    std::vector<ossl::BignumPtr> numbers;
    for (const auto& [field, param] : rsa_fields) {
        SecretBytes bytes;
        auto it = f.find(field);
        if (it == f.end() || !decode_base64(it->second, bytes.bytes))
            return Error::bad_input(source + ": " + field + ": missing or not base64");
        numbers.emplace_back(BN_secure_new());
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.bytes.data()),
                  static_cast<int>(bytes.bytes.size()), numbers.back().get());
        OSSL_PARAM_BLD_push_BN(bld.get(), param, numbers.back().get());
    }
    return from_params("RSA", bld.get(), source);
}

Result<ossl::EvpPkeyPtr> ed25519_key(const std::map<std::string, std::string>& f,
                                     const std::string& source) {
    SecretBytes priv;
    auto it = f.find("PrivateKey");
    if (it == f.end() || !decode_base64(it->second, priv.bytes) || priv.bytes.size() != 32)
        return Error::bad_input(source + ": PrivateKey: not a 32-byte base64 value");
    ossl::EvpPkeyPtr key(EVP_PKEY_new_raw_private_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(priv.bytes.data()), 32));
    if (!key) return ossl::error_from_queue(ErrorKind::bad_input, source + ": Ed25519 key");
    return key;
}

std::string bn_param(EVP_PKEY* key, const char* name) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
    ossl::BignumPtr bn(raw);
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn.get())), '\0');
    BN_bn2bin(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    std::string out = base64(bytes);
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return out;
}

}  // namespace

Result<SigningKey> parse_private_key(std::string_view text, const Dnskey& dnskey,
                                     const std::string& source) {
    const auto fields = private_fields(text);
    auto format = fields.find("Private-key-format");
    if (format == fields.end() || !format->second.starts_with("v1."))
        return Error::bad_input(source + ": not a BIND private key (Private-key-format v1.x)");
    auto alg_field = fields.find("Algorithm");
    const auto alg =
        alg_field == fields.end()
            ? std::nullopt
            : parse_algorithm(alg_field->second.substr(0, alg_field->second.find(' ')));
    if (!alg) return Error::bad_input(source + ": Algorithm: not 8, 13 or 15");
    if (static_cast<std::uint8_t>(*alg) != dnskey.algorithm)
        return Error::bad_input(source + ": Algorithm does not match the .key file");
    Result<ossl::EvpPkeyPtr> key = Error::bad_input("");
    switch (*alg) {
        case Algorithm::ecdsap256sha256:
            key = ecdsa_key(fields, dnskey, source);
            break;
        case Algorithm::rsasha256:
            key = rsa_key(fields, source);
            break;
        case Algorithm::ed25519:
            key = ed25519_key(fields, source);
            break;
    }
    if (!key.ok()) return key.error();
    DK_TRY(SigningKey signing, SigningKey::from_private(std::move(*key), *alg, dnskey.flags));
    if (!(signing.dnskey() == dnskey))
        return Error::bad_input(source + ": the private key does not belong to its .key file");
    return signing;
}

std::string private_key_text(const SigningKey& key, const std::string& now_text) {
    std::string out = "Private-key-format: v1.3\nAlgorithm: ";
    out += std::to_string(static_cast<unsigned>(key.algorithm())) + " (" +
           std::string(algorithm_name(key.algorithm())) + ")\n";
    EVP_PKEY* p = key.pkey();
    if (key.algorithm() == Algorithm::rsasha256) {
        for (const auto& [field, param] : rsa_fields)
            out += std::string(field) + ": " + bn_param(p, param) + "\n";
    } else if (key.algorithm() == Algorithm::ecdsap256sha256) {
        BIGNUM* raw = nullptr;
        EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_PRIV_KEY, &raw);
        ossl::BignumPtr d(raw);
        std::string bytes(32, '\0');
        if (d) BN_bn2binpad(d.get(), reinterpret_cast<unsigned char*>(bytes.data()), 32);
        out += "PrivateKey: " + base64(bytes) + "\n";
        OPENSSL_cleanse(bytes.data(), bytes.size());
    } else {
        std::string bytes(32, '\0');
        std::size_t len = bytes.size();
        EVP_PKEY_get_raw_private_key(p, reinterpret_cast<unsigned char*>(bytes.data()), &len);
        out += "PrivateKey: " + base64(bytes) + "\n";
        OPENSSL_cleanse(bytes.data(), bytes.size());
    }
    out += "Created: " + now_text + "\nPublish: " + now_text + "\nActivate: " + now_text + "\n";
    return out;
}

}  // namespace dk::zone::sign
