// TLSA association data (RFC 6698 section 2.1) from a certificate or a public key.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <cstdint>

#include "base/hex.h"
#include "base/result.h"
#include "base/tlsa.h"

namespace dk::cert {

// DER of the whole certificate (selector 0) or of its SubjectPublicKeyInfo (selector 1).
Result<Bytes> selected_der(const X509& certificate, std::uint8_t selector);

// DER SubjectPublicKeyInfo of a key (public or private).
Result<Bytes> spki_der(const EVP_PKEY& key);

// Full (0), SHA2-256 (1) or SHA2-512 (2) of the selected bytes.
Result<Bytes> match_data(const Bytes& selected, std::uint8_t mtype);

// The record for (usage, selector, mtype) computed from a certificate.
Result<TlsaRecord> tlsa_for_certificate(const X509& certificate, std::uint8_t usage,
                                        std::uint8_t selector, std::uint8_t mtype);

// The record for a key (selector 1 only: a key has no certificate).
Result<TlsaRecord> tlsa_for_key(const EVP_PKEY& key, std::uint8_t usage, std::uint8_t mtype);

// SHA-256 of the SPKI: the data of a 3 1 1 record, and the key's identity everywhere here.
Result<Bytes> spki_sha256(const EVP_PKEY& key);
Result<Bytes> spki_sha256(const X509& certificate);

}  // namespace dk::cert
