#include "cert/keys.h"

#include <openssl/pem.h>

#include "base/openssl_error.h"

namespace dk::cert {
namespace {

// Refuses to decrypt: a key we must use unattended may not need a passphrase.
int refuse_passphrase(char* /*buf*/, int /*size*/, int /*rwflag*/, void* asked) {
    *static_cast<bool*>(asked) = true;
    return -1;
}

ossl::BioPtr memory_bio(std::string_view text) {
    return ossl::BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace

Result<KeyAlgorithm> parse_key_algorithm(std::string_view text) {
    if (text == "ecdsa-p256") return KeyAlgorithm::ecdsa_p256;
    if (text == "ecdsa-p384") return KeyAlgorithm::ecdsa_p384;
    if (text == "rsa-2048") return KeyAlgorithm::rsa_2048;
    if (text == "rsa-3072") return KeyAlgorithm::rsa_3072;
    if (text == "rsa-4096") return KeyAlgorithm::rsa_4096;
    if (text == "ed25519") return KeyAlgorithm::ed25519;
    return Error::bad_input("unknown key algorithm '" + std::string(text) + "'");
}

Result<ossl::EvpPkeyPtr> generate_key(KeyAlgorithm algorithm) {
    EVP_PKEY* key = nullptr;
    switch (algorithm) {
        case KeyAlgorithm::ecdsa_p256:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
            break;
        case KeyAlgorithm::ecdsa_p384:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
            break;
        case KeyAlgorithm::rsa_2048:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
            break;
        case KeyAlgorithm::rsa_3072:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{3072});
            break;
        case KeyAlgorithm::rsa_4096:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{4096});
            break;
        case KeyAlgorithm::ed25519:
            key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
            break;
    }
    if (key == nullptr)
        return ossl::error_from_queue(ErrorKind::environment, "key generation failed");
    return ossl::EvpPkeyPtr(key);
}

Result<std::string> private_key_pem(const EVP_PKEY& key) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return ossl::error_from_queue(ErrorKind::environment, "cannot encode private key");
    }
    return bio_text(bio.get());
}

Result<ossl::EvpPkeyPtr> parse_private_key_pem(std::string_view pem, const std::string& source) {
    if (pem.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
        pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos) {
        return Error::bad_input(
            source +
            ": the private key is encrypted; danekeeper needs an unencrypted key (mode 0600)");
    }
    auto bio = memory_bio(pem);
    bool asked = false;
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, &asked);
    if (key == nullptr) {
        ossl::drain_errors("");
        if (asked) return Error::bad_input(source + ": the private key is encrypted");
        return Error::bad_input(source + ": no PEM private key found");
    }
    return ossl::EvpPkeyPtr(key);
}

Status check_key_matches(const X509& certificate, const EVP_PKEY& key, const std::string& source) {
    const EVP_PKEY* cert_key = X509_get0_pubkey(&certificate);
    if (cert_key == nullptr || EVP_PKEY_eq(cert_key, &key) != 1) {
        ossl::drain_errors("");
        return Error::bad_input(source + ": the private key does not belong to the certificate");
    }
    return {};
}

}  // namespace dk::cert
