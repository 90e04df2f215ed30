#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <thread>

#include "base/openssl_handles.h"
#include "cert/chain.h"
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

// Drives a non-blocking handshake with the deadline.
Status handshake(SSL* ssl, Connection& conn, Deadline deadline) {
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
            const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
            return Error::check_failed(std::string("TLS handshake failed: ") +
                                       (reason != nullptr          ? reason
                                        : err == SSL_ERROR_SYSCALL ? "connection closed"
                                                                   : "protocol error"));
        }
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
        return;
    }
    result.failed_at = Stage::verify;
    result.dane_error =
        request.tlsa.empty() ? "no TLSA records to match" : X509_verify_cert_error_string(verify);
    result.problem = "DANE verification failed: " + result.dane_error;
}

}  // namespace

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
    if (auto s = handshake(ssl.get(), *conn, deadline); !s.ok())
        return fail(Stage::handshake, s.error());
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

}  // namespace dk::probe
