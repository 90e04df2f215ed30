#include "cert/tlsa_data.h"

#include <openssl/sha.h>

#include "base/openssl_error.h"
#include "base/openssl_handles.h"

namespace dk::cert {
namespace {

// i2d_* want non-const pointers although they only read.
X509* mutable_ptr(const X509& c) {
    return const_cast<X509*>(&c);
}  // NOLINT
EVP_PKEY* mutable_ptr(const EVP_PKEY& k) {
    return const_cast<EVP_PKEY*>(&k);
}  // NOLINT

template <typename T, typename Encoder>
Result<Bytes> encode(T* object, Encoder encoder, const char* what) {
    unsigned char* out = nullptr;
    const int len = encoder(object, &out);
    if (len <= 0 || out == nullptr) return ossl::error_from_queue(ErrorKind::bad_input, what);
    ossl::OpensslBytesPtr owned(out);
    return Bytes(out, out + len);
}

}  // namespace

Result<Bytes> selected_der(const X509& certificate, std::uint8_t selector) {
    if (selector == tlsa::selector_cert)
        return encode(mutable_ptr(certificate), i2d_X509, "encode certificate");
    if (selector == tlsa::selector_spki) {
        return encode(X509_get_X509_PUBKEY(mutable_ptr(certificate)), i2d_X509_PUBKEY,
                      "encode SubjectPublicKeyInfo");
    }
    return Error::bad_input("unsupported TLSA selector " + std::to_string(selector));
}

Result<Bytes> spki_der(const EVP_PKEY& key) {
    return encode(mutable_ptr(key), i2d_PUBKEY, "encode SubjectPublicKeyInfo");
}

Result<Bytes> match_data(const Bytes& selected, std::uint8_t mtype) {
    switch (mtype) {
        case tlsa::mtype_full:
            return selected;
        case tlsa::mtype_sha256: {
            Bytes digest(SHA256_DIGEST_LENGTH);
            SHA256(selected.data(), selected.size(), digest.data());
            return digest;
        }
        case tlsa::mtype_sha512: {
            Bytes digest(SHA512_DIGEST_LENGTH);
            SHA512(selected.data(), selected.size(), digest.data());
            return digest;
        }
        default:
            return Error::bad_input("unsupported TLSA matching type " + std::to_string(mtype));
    }
}

Result<TlsaRecord> tlsa_for_certificate(const X509& certificate, std::uint8_t usage,
                                        std::uint8_t selector, std::uint8_t mtype) {
    if (usage > tlsa::usage_dane_ee)
        return Error::bad_input("unsupported TLSA usage " + std::to_string(usage));
    DK_TRY(Bytes selected, selected_der(certificate, selector));
    DK_TRY(Bytes data, match_data(selected, mtype));
    return TlsaRecord{usage, selector, mtype, std::move(data)};
}

Result<TlsaRecord> tlsa_for_key(const EVP_PKEY& key, std::uint8_t usage, std::uint8_t mtype) {
    if (usage > tlsa::usage_dane_ee)
        return Error::bad_input("unsupported TLSA usage " + std::to_string(usage));
    DK_TRY(Bytes selected, spki_der(key));
    DK_TRY(Bytes data, match_data(selected, mtype));
    return TlsaRecord{usage, tlsa::selector_spki, mtype, std::move(data)};
}

Result<Bytes> spki_sha256(const EVP_PKEY& key) {
    DK_TRY(Bytes selected, spki_der(key));
    return match_data(selected, tlsa::mtype_sha256);
}

Result<Bytes> spki_sha256(const X509& certificate) {
    DK_TRY(Bytes selected, selected_der(certificate, tlsa::selector_spki));
    return match_data(selected, tlsa::mtype_sha256);
}

}  // namespace dk::cert
