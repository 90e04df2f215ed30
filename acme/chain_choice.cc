// Choosing among the chains a CA offers, and ARI's certificate identifier.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <array>

#include "acme/client.h"
#include "base/base64.h"
#include "base/openssl_error.h"
#include "base/openssl_handles.h"

namespace dk::acme {

std::string top_issuer_cn(const std::string& chain_pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size())));
    ossl::X509Ptr last;
    while (ossl::X509Ptr next{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)})
        last = std::move(next);
    ERR_clear_error();  // the end of the PEM text is reported as an error
    if (!last) return {};
    const X509_NAME* issuer = X509_get_issuer_name(last.get());
    const int index = X509_NAME_get_index_by_NID(issuer, NID_commonName, -1);
    if (index < 0) return {};
    const ASN1_STRING* cn = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, index));
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(cn)),
                       static_cast<std::size_t>(ASN1_STRING_length(cn)));
}

std::size_t choose_chain(const std::vector<std::string>& issuers,
                         const std::optional<std::string>& preferred) {
    if (preferred) {
        for (std::size_t i = 0; i < issuers.size(); ++i) {
            if (issuers[i] == *preferred) return i;
        }
    }
    return 0;
}

Result<std::string> ari_cert_id(const std::string& leaf_pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(leaf_pem.data(), static_cast<int>(leaf_pem.size())));
    ossl::X509Ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!leaf) return ossl::error_from_queue(ErrorKind::bad_input, "ARI: not a PEM certificate");
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(leaf.get());
    if (aki == nullptr) return Error::bad_input("ARI: the certificate has no authority key id");
    const ASN1_INTEGER* serial = X509_get0_serialNumber(leaf.get());
    // The DER content octets of the serial: i2d gives tag + length + content.
    unsigned char* der = nullptr;
    const int len = i2d_ASN1_INTEGER(serial, &der);
    ossl::OpensslBytesPtr owned(der);
    if (len < 3 || der[1] >= 0x80) return Error::bad_input("ARI: serial number encoding");
    return base64url(std::span(ASN1_STRING_get0_data(aki),
                               static_cast<std::size_t>(ASN1_STRING_length(aki)))) +
           "." + base64url(std::span(der + 2, static_cast<std::size_t>(len - 2)));
}

Result<std::optional<RenewalWindow>> fetch_renewal_window(HttpTransport& http,
                                                          const std::string& directory_url,
                                                          const std::string& leaf_pem) {
    DK_TRY(HttpResponse dir, http.get(directory_url));
    if (dir.status != 200)
        return Error::environment(directory_url + ": HTTP " + std::to_string(dir.status));
    DK_TRY(Directory directory, parse_directory(dir.body, directory_url));
    if (!directory.renewal_info) return std::optional<RenewalWindow>{};
    DK_TRY(std::string id, ari_cert_id(leaf_pem));
    std::string url = *directory.renewal_info;
    if (!url.ends_with('/')) url += '/';
    url += id;
    DK_TRY(HttpResponse r, http.get(url));
    if (r.status != 200) return Error::environment(url + ": HTTP " + std::to_string(r.status));
    DK_TRY(RenewalWindow w, parse_renewal_info(r.body, url));
    return std::optional<RenewalWindow>{w};
}

double window_point_for(const std::string& leaf_pem) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(leaf_pem.data()), leaf_pem.size(), digest.data());
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | digest[static_cast<std::size_t>(i)];
    return static_cast<double>(v) / 4294967296.0;
}

}  // namespace dk::acme
