#include "cert/chain.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

#include "base/openssl_error.h"
#include "base/strings.h"

namespace dk::cert {
namespace {

TimePoint to_time(const ASN1_TIME* t) {
    std::tm tm{};
    if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return TimePoint{};
    return from_unix_seconds(static_cast<long long>(timegm(&tm)));
}

}  // namespace

Result<Chain> parse_chain_pem(std::string_view pem, const std::string& source) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Chain chain;
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr))
        chain.emplace_back(cert);
    ossl::drain_errors("");  // the read that ends the loop leaves "no start line"
    if (chain.empty()) return Error::bad_input(source + ": no PEM certificate found");
    return chain;
}

Status check_chain_order(const Chain& chain, const std::string& source) {
    for (std::size_t i = 0; i + 1 < chain.size(); ++i) {
        if (X509_check_issued(chain[i + 1].get(), chain[i].get()) != X509_V_OK) {
            return Error::bad_input(source + ": chain out of order: certificate " +
                                    std::to_string(i + 1) + " is not issued by certificate " +
                                    std::to_string(i + 2));
        }
    }
    return {};
}

Result<std::string> chain_pem(const Chain& chain) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    for (const auto& cert : chain) {
        if (PEM_write_bio_X509(bio.get(), cert.get()) != 1) {
            return ossl::error_from_queue(ErrorKind::environment, "cannot encode certificate");
        }
    }
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

namespace {

// The chain (leaf first) to the roots in ca_file (the system's when unset), for a TLS server, and
// for `host` when given (a DNS name, matched against the leaf's names as RFC 6125 says).
Status verify_to_roots(const Chain& chain, const std::optional<std::string>& ca_file,
                       const std::optional<std::string>& host) {
    if (chain.empty()) return Error::bad_input("chain verification: no certificate");
    const std::string roots = ca_file ? *ca_file : std::string("the system CA store");
    ossl::X509StorePtr store(X509_STORE_new());
    const bool loaded = store && (ca_file ? X509_STORE_load_file(store.get(), ca_file->c_str()) == 1
                                          : X509_STORE_set_default_paths(store.get()) == 1);
    if (!loaded) return ossl::error_from_queue(ErrorKind::bad_input, roots + ": cannot load roots");
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    if (!untrusted) return Error::environment("chain verification: out of memory");
    for (std::size_t i = 1; i < chain.size(); ++i) {
        if (X509_up_ref(chain[i].get()) != 1) return Error::environment("chain: out of memory");
        if (sk_X509_push(untrusted.get(), chain[i].get()) <= 0) {
            X509_free(chain[i].get());
            return Error::environment("chain verification: out of memory");
        }
    }
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx ||
        X509_STORE_CTX_init(ctx.get(), store.get(), chain.front().get(), untrusted.get()) != 1)
        return ossl::error_from_queue(ErrorKind::environment, "chain verification");
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    if (host) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        if (X509_VERIFY_PARAM_set1_host(param, host->c_str(), host->size()) != 1)
            return ossl::error_from_queue(ErrorKind::bad_input, "chain verification: host name");
    }
    if (X509_verify_cert(ctx.get()) != 1) {
        return Error::check_failed(
            "the chain does not verify to " + roots + (host ? " for " + *host : std::string()) +
            ": " + X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx.get())));
    }
    return {};
}

}  // namespace

Status verify_chain_to_roots(const std::string& chain_pem,
                             const std::optional<std::string>& ca_file) {
    DK_TRY(Chain chain, parse_chain_pem(chain_pem, "chain"));
    return verify_to_roots(chain, ca_file, std::nullopt);
}

Status verify_for_host(const Chain& chain, const std::string& host,
                       const std::optional<std::string>& ca_file) {
    return verify_to_roots(chain, ca_file, host);
}

std::vector<std::string> webpki_refusals(const Chain& chain,
                                         const std::vector<WebPkiDemand>& demands) {
    std::vector<std::string> refusals;
    for (const auto& d : demands) {
        auto verified = verify_for_host(chain, d.host, d.ca_bundle);
        if (verified.ok()) continue;
        refusals.push_back(d.endpoint + ": " + d.why + " and senders would refuse this chain (" +
                           verified.error().message + "); fix: " + d.fix);
    }
    return refusals;
}

std::vector<const X509*> borrow(const Chain& chain) {
    std::vector<const X509*> out;
    for (const auto& c : chain) out.push_back(c.get());
    return out;
}

std::vector<std::string> dns_names(const X509& certificate) {
    std::vector<std::string> names;
    ossl::GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(&certificate, NID_subject_alt_name, nullptr, nullptr)));
    if (!sans) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
        if (name->type != GEN_DNS) continue;
        const auto* data = ASN1_STRING_get0_data(name->d.dNSName);
        names.push_back(
            lower(std::string(reinterpret_cast<const char*>(data),
                              static_cast<std::size_t>(ASN1_STRING_length(name->d.dNSName)))));
    }
    return names;
}

TimePoint not_after(const X509& certificate) {
    return to_time(X509_get0_notAfter(&certificate));
}
TimePoint not_before(const X509& certificate) {
    return to_time(X509_get0_notBefore(&certificate));
}

std::string issuer_text(const X509& certificate) {
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_issuer_name(&certificate), 0,
                       XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace dk::cert
