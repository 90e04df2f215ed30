#include "test_ca.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

#include "cert/keys.h"

namespace dk::service::testing {
namespace {

void require(bool ok, const char* what) {
    if (ok) return;
    std::fprintf(stderr, "test certificate: %s failed\n", what);
    std::abort();
}

std::string pem_of(X509& certificate) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    require(PEM_write_bio_X509(bio.get(), &certificate) == 1, "PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509& certificate, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : &certificate, &certificate, nullptr, nullptr,
                   0);
    ossl::X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    require(ext != nullptr && X509_add_ext(&certificate, ext.get(), -1) == 1, "extension");
}

// A certificate for key with the subject name, valid over the span; issuer nullptr: self-issued.
ossl::X509Ptr make_certificate(EVP_PKEY& key, const std::string& common_name, TimePoint not_before,
                               TimePoint not_after, X509* issuer) {
    static long serial = 1;
    ossl::X509Ptr certificate(X509_new());
    X509* x = certificate.get();
    require(X509_set_version(x, 2) == 1, "version");
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
    require(ASN1_TIME_set(X509_getm_notBefore(x), unix_seconds(not_before)) != nullptr, "time");
    require(ASN1_TIME_set(X509_getm_notAfter(x), unix_seconds(not_after)) != nullptr, "time");
    require(X509_set_pubkey(x, &key) == 1, "key");
    X509_NAME* subject = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                               0);
    require(
        X509_set_issuer_name(x, issuer != nullptr ? X509_get_subject_name(issuer) : subject) == 1,
        "issuer");
    return certificate;
}

std::string alt_names(const std::vector<std::string>& names) {
    std::string text;
    for (const auto& name : names) text += (text.empty() ? "DNS:" : ",DNS:") + name;
    return text;
}

}  // namespace

TestCa make_ca(const std::string& common_name) {
    TestCa ca;
    ca.key = std::move(cert::generate_key(cert::KeyAlgorithm::ecdsa_p256).value());
    const TimePoint now = std::chrono::system_clock::now();
    ca.cert = make_certificate(*ca.key, common_name, now - std::chrono::hours(24),
                               now + std::chrono::hours(24 * 365), nullptr);
    add_extension(*ca.cert, nullptr, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(*ca.cert, nullptr, NID_key_usage, "critical,keyCertSign,cRLSign");
    add_extension(*ca.cert, nullptr, NID_subject_key_identifier, "hash");
    require(X509_sign(ca.cert.get(), ca.key.get(), EVP_sha256()) > 0, "sign");
    ca.pem = pem_of(*ca.cert);
    return ca;
}

std::string issue_chain(const TestCa& ca, EVP_PKEY& key, const LeafSpec& spec) {
    auto leaf =
        make_certificate(key, spec.names.at(0), spec.not_before, spec.not_after, ca.cert.get());
    add_extension(*leaf, ca.cert.get(), NID_basic_constraints, "critical,CA:FALSE");
    add_extension(*leaf, ca.cert.get(), NID_ext_key_usage, "serverAuth");
    add_extension(*leaf, ca.cert.get(), NID_subject_alt_name, alt_names(spec.names));
    require(X509_sign(leaf.get(), ca.key.get(), EVP_sha256()) > 0, "sign");
    return pem_of(*leaf) + ca.pem;
}

std::string self_signed(EVP_PKEY& key, const LeafSpec& spec) {
    auto leaf = make_certificate(key, spec.names.at(0), spec.not_before, spec.not_after, nullptr);
    add_extension(*leaf, nullptr, NID_ext_key_usage, "serverAuth");
    add_extension(*leaf, nullptr, NID_subject_alt_name, alt_names(spec.names));
    require(X509_sign(leaf.get(), &key, EVP_sha256()) > 0, "sign");
    return pem_of(*leaf);
}

}  // namespace dk::service::testing
