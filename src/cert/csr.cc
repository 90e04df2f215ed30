#include "cert/csr.h"

#include <openssl/pem.h>

#include "base/openssl_error.h"

namespace dk::cert {

Result<std::string> make_csr_pem(const EVP_PKEY& key, const std::vector<std::string>& names) {
    if (names.empty()) return Error::bad_input("a CSR needs at least one name");
    ossl::X509ReqPtr req(X509_REQ_new());
    X509_NAME* subject = X509_REQ_get_subject_name(req.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(names.front().c_str());
    if (!req || X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
        X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key)) != 1) {  // NOLINT: set1 copies
        return ossl::error_from_queue(ErrorKind::bad_input, "cannot build CSR");
    }
    ossl::GeneralNamesPtr sans(GENERAL_NAMES_new());
    for (const auto& name : names) {
        GENERAL_NAME* gn = GENERAL_NAME_new();
        ASN1_IA5STRING* ia5 = ASN1_IA5STRING_new();
        if (gn == nullptr || ia5 == nullptr ||
            ASN1_STRING_set(ia5, name.data(), static_cast<int>(name.size())) != 1) {
            GENERAL_NAME_free(gn);
            ASN1_IA5STRING_free(ia5);
            return ossl::error_from_queue(ErrorKind::environment, "cannot build subjectAltName");
        }
        GENERAL_NAME_set0_value(gn, GEN_DNS, ia5);  // gn owns ia5 now
        sk_GENERAL_NAME_push(sans.get(), gn);       // sans owns gn now
    }
    ossl::X509ExtensionPtr ext(X509V3_EXT_i2d(NID_subject_alt_name, 0, sans.get()));
    STACK_OF(X509_EXTENSION)* exts = sk_X509_EXTENSION_new_null();
    sk_X509_EXTENSION_push(exts, ext.get());
    const int added = X509_REQ_add_extensions(req.get(), exts);
    sk_X509_EXTENSION_free(exts);  // the stack only borrowed ext
    if (added != 1 ||
        X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key),  // NOLINT: sign reads
                      EVP_PKEY_get_id(&key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256()) <= 0) {
        return ossl::error_from_queue(ErrorKind::environment, "cannot sign CSR");
    }
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(bio.get(), req.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace dk::cert
