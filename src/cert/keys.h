// Private keys: generation, PEM encoding and decoding (encrypted keys are refused, never
// prompted for), and the key/certificate match.
#pragma once

#include <string>
#include <string_view>

#include "base/openssl_handles.h"
#include "base/result.h"

namespace dk::cert {

enum class KeyAlgorithm { ecdsa_p256, ecdsa_p384, rsa_2048, rsa_3072, rsa_4096, ed25519 };

Result<KeyAlgorithm> parse_key_algorithm(std::string_view text);
Result<ossl::EvpPkeyPtr> generate_key(KeyAlgorithm algorithm);

// PKCS#8 PEM, unencrypted (the file it goes to is 0600).
Result<std::string> private_key_pem(const EVP_PKEY& key);

// The first private key in PEM text; `source` names the file in errors.
Result<ossl::EvpPkeyPtr> parse_private_key_pem(std::string_view pem, const std::string& source);

// The key pair behind the certificate is this key.
Status check_key_matches(const X509& certificate, const EVP_PKEY& key, const std::string& source);

}  // namespace dk::cert
