#include "cert/material.h"

#include <openssl/pem.h>

#include "base/files.h"
#include "base/openssl_error.h"
#include "cert/keys.h"

namespace dk::cert {
namespace {

bool contains(std::string_view haystack, std::string_view needle) {
    return haystack.find(needle) != std::string_view::npos;
}

Result<Material> parse_der(std::string_view bytes, const std::string& source) {
    Material m;
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const long len = static_cast<long>(bytes.size());
    if (X509* cert = d2i_X509(nullptr, &p, len); cert != nullptr) {
        m.chain.emplace_back(cert);
        return m;
    }
    p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (EVP_PKEY* key = d2i_PUBKEY(nullptr, &p, len); key != nullptr) {
        m.key.reset(key);
        return m;
    }
    p = reinterpret_cast<const unsigned char*>(bytes.data());
    if (EVP_PKEY* key = d2i_AutoPrivateKey(nullptr, &p, len); key != nullptr) {
        m.key.reset(key);
        m.private_key = true;
        return m;
    }
    ossl::drain_errors("");
    return Error::bad_input(source + ": neither PEM nor a DER certificate or key");
}

Result<Material> parse_pem(std::string_view bytes, const std::string& source) {
    Material m;
    if (contains(bytes, "-----BEGIN CERTIFICATE-----")) {
        if (!contains(bytes, "-----END CERTIFICATE-----"))
            return Error::bad_input(source + ": truncated PEM certificate");
        DK_TRY(m.chain, parse_chain_pem(bytes, source));
        DK_TRY_STATUS(check_chain_order(m.chain, source));
        return m;
    }
    if (contains(bytes, "PRIVATE KEY-----")) {
        if (!contains(bytes, "-----END"))
            return Error::bad_input(source + ": truncated PEM private key");
        DK_TRY(m.key, parse_private_key_pem(bytes, source));
        m.private_key = true;
        return m;
    }
    if (contains(bytes, "-----BEGIN PUBLIC KEY-----")) {
        ossl::BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
        m.key.reset(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
        if (!m.key) {
            ossl::drain_errors("");
            return Error::bad_input(source + ": unreadable PEM public key");
        }
        return m;
    }
    return Error::bad_input(source + ": PEM with no certificate or key");
}

}  // namespace

Status check_key_algorithm(const EVP_PKEY& key, const std::string& source) {
    const int id = EVP_PKEY_get_base_id(&key);
    const int bits = EVP_PKEY_get_bits(&key);
    if (id == EVP_PKEY_RSA) {
        if (bits < 2048)
            return Error::bad_input(source + ": RSA " + std::to_string(bits) +
                                    " bits is too short (2048-4096)");
        if (bits > 4096)
            return Error::bad_input(source + ": RSA " + std::to_string(bits) +
                                    " bits is not supported (2048-4096)");
        return {};
    }
    if (id == EVP_PKEY_EC) {
        char curve[64] = {};
        std::size_t len = 0;
        EVP_PKEY_get_utf8_string_param(&key, "group", curve, sizeof curve, &len);
        const std::string name(curve);
        if (name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384")
            return {};
        return Error::bad_input(source + ": EC curve " + (name.empty() ? "?" : name) +
                                " is not supported (P-256, P-384)");
    }
    if (id == EVP_PKEY_ED25519) return {};
    return Error::bad_input(source + ": unsupported key algorithm " + std::string(OBJ_nid2sn(id)));
}

Result<Material> parse_material(std::string_view bytes, const std::string& source) {
    if (bytes.find_first_not_of(" \t\r\n") == std::string_view::npos)
        return Error::bad_input(source + ": empty file");
    Material m;
    if (contains(bytes, "-----BEGIN")) {
        DK_TRY(m, parse_pem(bytes, source));
    } else {
        DK_TRY(m, parse_der(bytes, source));
    }
    const EVP_PKEY* key = m.chain.empty() ? m.key.get() : X509_get0_pubkey(m.chain.front().get());
    if (key == nullptr)
        return Error::bad_input(source + ": certificate without a readable public key");
    DK_TRY_STATUS(check_key_algorithm(*key, source));
    return m;
}

Result<Material> load_material(const std::string& path) {
    DK_TRY(std::string bytes, files::read_limited(path));
    return parse_material(bytes, path);
}

}  // namespace dk::cert
