#include "zone/sign/dnssec_key.h"

#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <cctype>

#include "base/openssl_error.h"
#include "base/strings.h"
#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

std::string bn_bytes(const BIGNUM* bn, int width = 0) {
    const int n = width > 0 ? width : BN_num_bytes(bn);
    std::string out(static_cast<std::size_t>(n), '\0');
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n);
    return out;
}

Result<std::string> rsa_public_key(EVP_PKEY* key) {
    BIGNUM* n_raw = nullptr;
    BIGNUM* e_raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n_raw) != 1 ||
        EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e_raw) != 1) {
        BN_free(n_raw);
        return ossl::error_from_queue(ErrorKind::bad_input, "RSA key without modulus/exponent");
    }
    ossl::BignumPtr n(n_raw);
    ossl::BignumPtr e(e_raw);
    const std::string exponent = bn_bytes(e.get());
    std::string out;
    if (exponent.size() <= 255) {
        out.push_back(static_cast<char>(exponent.size()));
    } else {
        out.push_back('\0');
        put16(out, static_cast<std::uint16_t>(exponent.size()));
    }
    out += exponent;
    out += bn_bytes(n.get());
    return out;
}

Result<std::string> ec_public_key(EVP_PKEY* key) {
    unsigned char point[133];
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                        sizeof point, &len) != 1 ||
        len != 65 || point[0] != 0x04)
        return Error::bad_input("not an uncompressed P-256 public key");
    return std::string(reinterpret_cast<const char*>(point + 1), 64);
}

Result<std::string> ed25519_public_key(EVP_PKEY* key) {
    unsigned char raw[32];
    std::size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(key, raw, &len) != 1 || len != 32)
        return Error::bad_input("not an Ed25519 public key");
    return std::string(reinterpret_cast<const char*>(raw), 32);
}

bool key_matches(EVP_PKEY* key, Algorithm a) {
    switch (a) {
        case Algorithm::rsasha256:
            return EVP_PKEY_is_a(key, "RSA") == 1 && EVP_PKEY_get_bits(key) >= 1024;
        case Algorithm::ecdsap256sha256: {
            char group[32] = {};
            std::size_t len = 0;
            return EVP_PKEY_is_a(key, "EC") == 1 &&
                   EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group,
                                                  sizeof group, &len) == 1 &&
                   (std::string_view(group) == "prime256v1" || std::string_view(group) == "P-256");
        }
        case Algorithm::ed25519:
            return EVP_PKEY_is_a(key, "ED25519") == 1;
    }
    return false;
}

// ECDSA signatures come DER-encoded from OpenSSL (SEQUENCE of INTEGER r, INTEGER s); DNSSEC
// wants r|s, 32 bytes each (RFC 6605 4).
bool append_ecdsa_raw(const unsigned char* der, std::size_t len, std::string& out) {
    std::size_t pos = 2;
    if (len < 8 || der[0] != 0x30 || static_cast<std::size_t>(der[1]) != len - 2) return false;
    for (int part = 0; part < 2; ++part) {
        if (pos + 2 > len || der[pos] != 0x02) return false;
        std::size_t n = der[pos + 1];
        pos += 2;
        if (pos + n > len) return false;
        const unsigned char* v = der + pos;
        pos += n;
        while (n > 0 && *v == 0) {
            ++v;
            --n;
        }
        if (n > 32) return false;
        out.append(32 - n, '\0');
        out.append(reinterpret_cast<const char*>(v), n);
    }
    return pos == len;
}

}  // namespace

std::optional<Algorithm> parse_algorithm(std::string_view text) {
    const std::string t = lower(std::string(text));
    if (t == "ecdsap256sha256" || t == "13" || t == "ecdsa-p256") return Algorithm::ecdsap256sha256;
    if (t == "ed25519" || t == "15") return Algorithm::ed25519;
    if (t == "rsasha256" || t == "8") return Algorithm::rsasha256;
    return std::nullopt;
}

std::string_view algorithm_name(Algorithm a) {
    if (a == Algorithm::rsasha256) return "RSASHA256";
    if (a == Algorithm::ecdsap256sha256) return "ECDSAP256SHA256";
    return a == Algorithm::ed25519 ? "ED25519" : "?";
}

std::uint16_t key_tag(std::string_view rdata) {
    std::uint32_t acc = 0;
    for (std::size_t i = 0; i < rdata.size(); ++i) {
        const auto b = static_cast<unsigned char>(rdata[i]);
        acc += (i & 1) != 0 ? b : static_cast<std::uint32_t>(b) << 8;
    }
    acc += (acc >> 16) & 0xffff;
    return static_cast<std::uint16_t>(acc & 0xffff);
}

std::string Dnskey::rdata() const {
    std::string out;
    put16(out, flags);
    out.push_back(3);
    out.push_back(static_cast<char>(algorithm));
    out += public_key;
    return out;
}

Result<Dnskey> Dnskey::from_rdata(std::string_view rdata) {
    if (rdata.size() < 5 || rdata[2] != 3) return Error::bad_input("not a DNSKEY RDATA");
    return Dnskey{get16(rdata, 0), static_cast<std::uint8_t>(rdata[3]),
                  std::string(rdata.substr(4))};
}

Result<std::string> dnskey_public_key(EVP_PKEY* key, Algorithm algorithm) {
    switch (algorithm) {
        case Algorithm::rsasha256:
            return rsa_public_key(key);
        case Algorithm::ecdsap256sha256:
            return ec_public_key(key);
        case Algorithm::ed25519:
            return ed25519_public_key(key);
    }
    return Error::bad_input("unsupported algorithm");
}

Result<SigningKey> SigningKey::from_private(ossl::EvpPkeyPtr key, Algorithm algorithm,
                                            std::uint16_t flags) {
    if (!key || !key_matches(key.get(), algorithm))
        return Error::bad_input("the private key is not a " +
                                std::string(algorithm_name(algorithm)) + " key");
    DK_TRY(std::string pub, dnskey_public_key(key.get(), algorithm));
    Dnskey dnskey{flags, static_cast<std::uint8_t>(algorithm), std::move(pub)};
    return SigningKey(std::move(key), algorithm, std::move(dnskey));
}

Result<SigningKey> SigningKey::generate(Algorithm algorithm, std::uint16_t flags) {
    EVP_PKEY* raw = nullptr;
    switch (algorithm) {
        case Algorithm::rsasha256:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048));
            break;
        case Algorithm::ecdsap256sha256:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case Algorithm::ed25519:
            raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
    }
    if (raw == nullptr) return ossl::error_from_queue(ErrorKind::environment, "key generation");
    return from_private(ossl::EvpPkeyPtr(raw), algorithm, flags);
}

SigningKey::SigningKey(const SigningKey& other)
    : algorithm_(other.algorithm_), dnskey_(other.dnskey_), tag_(other.tag_) {
    EVP_PKEY_up_ref(other.key_.get());
    key_.reset(other.key_.get());
}

SigningKey& SigningKey::operator=(const SigningKey& other) {
    if (this != &other) {
        SigningKey copy(other);
        *this = std::move(copy);
    }
    return *this;
}

namespace {

// OpenSSL 3.0 has no OSSL_PARAM_clear_free: wipe the private values, then free.
void clear_free_params(OSSL_PARAM* params) {
    for (OSSL_PARAM* p = params; p != nullptr && p->key != nullptr; ++p) {
        if (p->data != nullptr) OPENSSL_cleanse(p->data, p->data_size);
    }
    OSSL_PARAM_free(params);
}

// The same key, living in another library context.
ossl::EvpPkeyPtr copy_into(EVP_PKEY* key, OSSL_LIB_CTX* libctx) {
    OSSL_PARAM* raw = nullptr;
    if (EVP_PKEY_todata(key, EVP_PKEY_KEYPAIR, &raw) != 1) return nullptr;
    CHandle<OSSL_PARAM, clear_free_params> params(raw);
    ossl::EvpPkeyCtxPtr ctx(
        EVP_PKEY_CTX_new_from_name(libctx, EVP_PKEY_get0_type_name(key), nullptr));
    EVP_PKEY* copy = nullptr;
    if (!ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &copy, EVP_PKEY_KEYPAIR, params.get()) != 1)
        return nullptr;
    return ossl::EvpPkeyPtr(copy);
}

}  // namespace

SignatureMaker::SignatureMaker(const SigningKey& key, OSSL_LIB_CTX* libctx)
    : key_(key),
      libctx_(libctx),
      pkey_(key.pkey()),
      digest_(EVP_MD_CTX_new()),
      sha256_(EVP_MD_fetch(libctx, "SHA256", nullptr)) {
    if (libctx != nullptr) {
        own_copy_ = copy_into(key.pkey(), libctx);
        if (!own_copy_) return;
        pkey_ = own_copy_.get();
    }
    if (!digest_ || !sha256_) return;
    if (key.algorithm() == Algorithm::ed25519) {
        ready_ = true;  // PureEdDSA: a fresh DigestSign per signature
        return;
    }
    pkey_ctx_.reset(EVP_PKEY_CTX_new_from_pkey(libctx, pkey_, nullptr));
    if (!pkey_ctx_ || EVP_PKEY_sign_init(pkey_ctx_.get()) != 1) return;
    if (key.algorithm() == Algorithm::rsasha256) {
        if (EVP_PKEY_CTX_set_rsa_padding(pkey_ctx_.get(), RSA_PKCS1_PADDING) != 1 ||
            EVP_PKEY_CTX_set_signature_md(pkey_ctx_.get(), sha256_.get()) != 1)
            return;
    }
    ready_ = true;
}

Status SignatureMaker::sign(std::string_view data, std::string& out) {
    if (!ready_) return ossl::error_from_queue(ErrorKind::environment, "signing context");
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (key_.algorithm() == Algorithm::ed25519) {
        unsigned char sig[64];
        std::size_t len = sizeof sig;
        if (EVP_DigestSignInit_ex(digest_.get(), nullptr, nullptr, libctx_, nullptr, pkey_,
                                  nullptr) != 1 ||
            EVP_DigestSign(digest_.get(), sig, &len, in, data.size()) != 1)
            return ossl::error_from_queue(ErrorKind::environment, "Ed25519 signing");
        out.append(reinterpret_cast<const char*>(sig), len);
        return {};
    }
    unsigned char digest[32];
    unsigned int digest_len = 0;
    if (EVP_DigestInit_ex(digest_.get(), sha256_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(digest_.get(), in, data.size()) != 1 ||
        EVP_DigestFinal_ex(digest_.get(), digest, &digest_len) != 1)
        return ossl::error_from_queue(ErrorKind::environment, "SHA-256");
    unsigned char sig[1024];  // RSA up to 8192 bits; a P-256 DER signature is at most 72
    std::size_t len = sizeof sig;
    if (EVP_PKEY_sign(pkey_ctx_.get(), sig, &len, digest, digest_len) != 1)
        return ossl::error_from_queue(ErrorKind::environment, "signing");
    if (key_.algorithm() != Algorithm::ecdsap256sha256) {
        out.append(reinterpret_cast<const char*>(sig), len);
        return {};
    }
    if (!append_ecdsa_raw(sig, len, out))
        return Error::environment("signing: OpenSSL returned a malformed ECDSA signature");
    return {};
}

}  // namespace dk::zone::sign
