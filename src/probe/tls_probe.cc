#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <thread>

#include "base/openssl_handles.h"
#include "cert/chain.h"
#include "cert/chain_matches.h"
#include "cert/keys.h"
#include "cert/tlsa_data.h"
#include "probe/probe.h"
#include "probe/starttls.h"

namespace dk::probe {
namespace {

ossl::SslCtxPtr make_context() {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()));
    if (!ctx) return ctx;
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    // DANE-TA(2) needs a chain build; with no trust store only the TLSA records anchor trust.
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    if (SSL_CTX_dane_enable(ctx.get()) <= 0) ctx.reset();
    return ctx;
}

// Drives a non-blocking handshake with the deadline. `refused`: the server answered the offered
// algorithms with handshake_failure, or presented a key the offer excluded.
Status handshake(SSL* ssl, Connection& conn, Deadline deadline, bool& refused) {
    while (true) {
        const int rc = SSL_connect(ssl);
        if (rc == 1) return {};
        const int err = SSL_get_error(ssl, rc);
        if (err == SSL_ERROR_WANT_READ) {
            DK_TRY_STATUS(conn.wait(true, deadline));
        } else if (err == SSL_ERROR_WANT_WRITE) {
            DK_TRY_STATUS(conn.wait(false, deadline));
        } else {
            const unsigned long code = ERR_get_error();
            ERR_clear_error();
            const int reason_code = ERR_GET_REASON(code);
            refused = reason_code == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ||
                      reason_code == SSL_R_WRONG_SIGNATURE_TYPE ||
                      reason_code == SSL_R_WRONG_CERTIFICATE_TYPE;
            const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
            return Error::check_failed(std::string("TLS handshake failed: ") +
                                       (reason != nullptr          ? reason
                                        : err == SSL_ERROR_SYSCALL ? "connection closed"
                                                                   : "protocol error"));
        }
    }
}

// Offers only the family's signature algorithms (TLS 1.3 and 1.2) and, for TLS 1.2, only cipher
// suites authenticated by that kind of key (Ed25519 uses the ECDSA suites there).
bool offer_only(SSL* ssl, KeyFamily family) {
    const char* sigalgs = nullptr;
    const char* ciphers = nullptr;
    switch (family) {
        case KeyFamily::any:
            return true;
        case KeyFamily::rsa:
            sigalgs =
                "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:rsa_pss_pss_sha256:"
                "rsa_pss_pss_sha384:rsa_pss_pss_sha512:RSA+SHA256:RSA+SHA384:RSA+SHA512";
            ciphers = "aRSA";
            break;
        case KeyFamily::ecdsa:
            sigalgs = "ECDSA+SHA256:ECDSA+SHA384:ECDSA+SHA512";
            ciphers = "aECDSA";
            break;
        case KeyFamily::ed25519:
            sigalgs = "ed25519";
            ciphers = "aECDSA";
            break;
    }
    return SSL_set1_sigalgs_list(ssl, sigalgs) == 1 && SSL_set_cipher_list(ssl, ciphers) == 1;
}

std::string family_of_key(const EVP_PKEY* key) {
    if (key == nullptr) return "";
    switch (EVP_PKEY_get_base_id(key)) {
        case EVP_PKEY_RSA:
        case EVP_PKEY_RSA_PSS:
            return "rsa";
        case EVP_PKEY_EC:
            return "ecdsa";
        case EVP_PKEY_ED25519:
            return "ed25519";
        default:
            return "other";
    }
}

void add_tlsa(SSL* ssl, const std::vector<TlsaRecord>& records) {
    for (const auto& r : records) {
        // Records OpenSSL cannot use (unknown usage, bad digest length) are skipped as RFC 6698
        // says.
        SSL_dane_tlsa_add(ssl, r.usage, r.selector, r.mtype, r.data.data(), r.data.size());
    }
}

void describe_session(SSL* ssl, ProbeResult& result) {
    result.tls_version = SSL_get_version(ssl);
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl);
    result.cipher = cipher != nullptr ? SSL_CIPHER_get_name(cipher) : "";
    const int kx = cipher != nullptr ? SSL_CIPHER_get_kx_nid(cipher) : NID_undef;
    result.forward_secret =
        SSL_version(ssl) >= TLS1_3_VERSION || kx == NID_kx_ecdhe || kx == NID_kx_dhe;
    X509* leaf = SSL_get0_peer_certificate(ssl);
    if (leaf == nullptr) return;
    result.key_family = family_of_key(X509_get0_pubkey(leaf));
    if (auto spki = cert::spki_sha256(*leaf); spki.ok()) result.leaf_spki_sha256 = *spki;
    result.issuer = cert::issuer_text(*leaf);
    // The presented certificate that issued the leaf (for the certified-CA check).
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain); ++i) {
        X509* candidate = sk_X509_value(chain, i);
        if (X509_cmp(candidate, leaf) == 0 || X509_check_issued(candidate, leaf) != X509_V_OK)
            continue;
        if (auto spki = cert::spki_sha256(*candidate); spki.ok()) result.issuer_spki_sha256 = *spki;
        break;
    }
    result.not_after = iso_time(cert::not_after(*leaf));
    cert::Chain sent;
    for (int i = 0; chain != nullptr && i < sk_X509_num(chain) && i < 16; ++i) {
        X509* c = sk_X509_value(chain, i);
        if (X509_up_ref(c) != 1) return;
        sent.emplace_back(c);
    }
    if (auto pem = cert::chain_pem(sent); pem.ok()) result.presented_chain_pem = std::move(*pem);
}

std::vector<TlsaRecord> sent_chain_matches(SSL* ssl, const std::vector<TlsaRecord>& records) {
    // On a client the peer chain holds the leaf first, as the server sent it.
    STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl);
    std::vector<const X509*> chain;
    for (int i = 0; sent != nullptr && i < sk_X509_num(sent); ++i)
        chain.push_back(sk_X509_value(sent, i));
    return cert::chain_matches(chain, records);
}

void judge_dane(SSL* ssl, const ProbeRequest& request, ProbeResult& result) {
    std::uint8_t usage = 0;
    std::uint8_t selector = 0;
    std::uint8_t mtype = 0;
    const unsigned char* data = nullptr;
    size_t len = 0;
    const long verify = SSL_get_verify_result(ssl);
    const int depth = SSL_get0_dane_tlsa(ssl, &usage, &selector, &mtype, &data, &len);
    if (verify == X509_V_OK && depth >= 0) {
        result.dane_ok = true;
        result.matched = TlsaRecord{usage, selector, mtype, Bytes(data, data + len)};
        result.chain_matches = sent_chain_matches(ssl, request.tlsa);
        return;
    }
    result.failed_at = Stage::verify;
    result.dane_error =
        request.tlsa.empty() ? "no TLSA records to match" : X509_verify_cert_error_string(verify);
    result.problem = "DANE verification failed: " + result.dane_error;
}

}  // namespace

std::string_view to_string(KeyFamily family) {
    switch (family) {
        case KeyFamily::rsa:
            return "rsa";
        case KeyFamily::ecdsa:
            return "ecdsa";
        case KeyFamily::ed25519:
            return "ed25519";
        case KeyFamily::any:
            break;
    }
    return "any";
}

Result<KeyFamily> family_of_algorithm(std::string_view algorithm) {
    DK_TRY(cert::KeyAlgorithm parsed, cert::parse_key_algorithm(algorithm));
    switch (parsed) {
        case cert::KeyAlgorithm::rsa_2048:
        case cert::KeyAlgorithm::rsa_3072:
        case cert::KeyAlgorithm::rsa_4096:
            return KeyFamily::rsa;
        case cert::KeyAlgorithm::ecdsa_p256:
        case cert::KeyAlgorithm::ecdsa_p384:
            return KeyFamily::ecdsa;
        case cert::KeyAlgorithm::ed25519:
            return KeyFamily::ed25519;
    }
    return KeyFamily::any;
}

std::string_view to_string(Stage stage) {
    // In the order of enum Stage.
    static constexpr std::string_view names[] = {"connect",   "banner", "ehlo", "starttls",
                                                 "handshake", "verify", "done"};
    static_assert(std::size(names) == static_cast<std::size_t>(Stage::done) + 1);
    const auto i = static_cast<std::size_t>(stage);
    return i < std::size(names) ? names[i] : "done";
}

ProbeResult probe_one(const ProbeRequest& request, const ProbeOptions& options) {
    ProbeResult result;
    result.endpoint = request.endpoint.to_string();
    result.address = probe_target(request.endpoint, request.address);
    result.offered = request.family;
    const Deadline deadline = std::chrono::steady_clock::now() + options.timeout;
    auto fail = [&](Stage stage, const Error& e) {
        result.failed_at = stage;
        result.problem = std::string(to_string(stage)) + ": " + e.message;
        result.environment_failure = e.kind == ErrorKind::environment;
        return result;
    };
    auto conn = Connection::open(request.address, request.endpoint.connect_port(), deadline);
    if (!conn.ok()) return fail(Stage::connect, conn.error());
    if (auto failure = start_tls(*conn, request.endpoint.start, options.ehlo_name, deadline)) {
        return fail(failure->stage, failure->error);
    }
    static const ossl::SslCtxPtr ctx = make_context();
    if (!ctx) return fail(Stage::handshake, Error::environment("cannot set up OpenSSL DANE"));
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), conn->fd());
    // SSL_set_tlsext_host_name is a macro with an old-style cast; this is the call it makes.
    SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
             const_cast<char*>(request.endpoint.host.c_str()));  // NOLINT: OpenSSL API
    if (SSL_dane_enable(ssl.get(), request.endpoint.host.c_str()) <= 0) {
        return fail(Stage::handshake, Error::environment("SSL_dane_enable failed"));
    }
    SSL_dane_set_flags(ssl.get(), DANE_FLAG_NO_DANE_EE_NAMECHECKS);  // RFC 7672 section 3.1.1
    add_tlsa(ssl.get(), request.tlsa);
    if (!offer_only(ssl.get(), request.family)) {
        return fail(Stage::handshake, Error::environment("cannot restrict the handshake to " +
                                                         std::string(to_string(request.family))));
    }
    bool refused = false;
    if (auto s = handshake(ssl.get(), *conn, deadline, refused); !s.ok()) {
        result.family_refused = refused && request.family != KeyFamily::any;
        if (result.family_refused) {
            return fail(Stage::handshake,
                        Error::check_failed("no " + std::string(to_string(request.family)) +
                                            " chain offered (" + s.error().message + ")"));
        }
        return fail(Stage::handshake, s.error());
    }
    describe_session(ssl.get(), result);
    judge_dane(ssl.get(), request, result);
    SSL_shutdown(ssl.get());
    return result;
}

std::vector<ProbeResult> probe_all(const std::vector<ProbeRequest>& requests,
                                   const ProbeOptions& options) {
    std::vector<ProbeResult> results(requests.size());
    std::atomic<std::size_t> next{0};
    const std::size_t workers = std::min<std::size_t>(
        requests.size(), static_cast<std::size_t>(std::max(1, options.concurrency)));
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < requests.size(); i = next++)
                results[i] = probe_one(requests[i], options);
        });
    }
    for (auto& t : pool) t.join();
    return results;
}

std::vector<std::vector<ProbeResult>> probe_all_chains(const std::vector<ProbeRequest>& requests,
                                                       const ProbeOptions& options) {
    constexpr std::size_t per_request = std::size(sender_families);
    std::vector<ProbeRequest> each_family;
    for (const auto& request : requests) {
        for (const KeyFamily family : sender_families) {
            each_family.push_back(request);
            each_family.back().family = family;
        }
    }
    auto results = probe_all(each_family, options);
    std::vector<std::vector<ProbeResult>> out(requests.size());
    std::vector<ProbeRequest> refused_everything;
    std::vector<std::size_t> refused_index;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        bool any_tls = false;
        for (std::size_t f = 0; f < per_request; ++f) {
            auto& r = results[i * per_request + f];
            if (r.family_refused) continue;
            any_tls = any_tls || !r.tls_version.empty();
            out[i].push_back(std::move(r));
        }
        // The same failure before any handshake (connect, STARTTLS) once, not per family.
        if (!any_tls && out[i].size() > 1) out[i].resize(1);
        if (out[i].empty()) {
            refused_everything.push_back(requests[i]);
            refused_everything.back().family = KeyFamily::any;
            refused_index.push_back(i);
        }
    }
    auto fallback = probe_all(refused_everything, options);
    for (std::size_t k = 0; k < fallback.size(); ++k)
        out[refused_index[k]].push_back(std::move(fallback[k]));
    return out;
}

}  // namespace dk::probe
