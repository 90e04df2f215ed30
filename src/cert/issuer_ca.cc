#include "cert/issuer_ca.h"

#include <openssl/x509v3.h>

#include "base/files.h"
#include "cert/chain.h"
#include "cert/tlsa_data.h"

namespace dk::cert {
namespace {

std::string subject_text(const X509& certificate) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) return "";
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(&certificate), 0, XN_FLAG_ONELINE);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

}  // namespace

Result<IssuerCa> parse_issuer_ca_pem(std::string_view pem, const std::string& source) {
    DK_TRY(Chain certificates, parse_chain_pem(pem, source));
    if (certificates.size() != 1) {
        return Error::bad_input(source + ": holds " + std::to_string(certificates.size()) +
                                " certificates; give one CA certificate per file");
    }
    X509& ca = *certificates.front();
    // X509_get_extension_flags parses the extensions (and caches them): a malformed
    // basicConstraints marks the certificate invalid rather than making it a CA.
    const std::uint32_t flags = X509_get_extension_flags(&ca);
    if ((flags & EXFLAG_INVALID) != 0)
        return Error::bad_input(source + ": the certificate's extensions do not parse");
    if ((flags & EXFLAG_CA) == 0) {
        return Error::bad_input(
            source + ": not a CA certificate (no basicConstraints CA:TRUE): " + subject_text(ca));
    }
    DK_TRY(Bytes digest, spki_sha256(ca));
    return IssuerCa{source, subject_text(ca), std::move(digest)};
}

Result<IssuerCa> read_issuer_ca(const std::string& path) {
    DK_TRY(std::string text, files::read_limited(path));
    return parse_issuer_ca_pem(text, path);
}

}  // namespace dk::cert
