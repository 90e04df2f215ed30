// An endpoint with an explicit protocol and a probe address: the prober starts TLS the way the
// scheme says on whatever port, connects to the probe address and its port, and still sends the
// endpoint's host as SNI and reports the endpoint as host:port (its TLSA owner).
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <chrono>
#include <memory>
#include <string>

#include "fake_server.h"
#include "probe/probe.h"

namespace dk::probe {
namespace {

using namespace testing;

const TestIdentity& identity() {
    static const TestIdentity id = make_identity("imap.example.net");
    return id;
}

// Like serve_tls, and keeps the name the client asked for (SNI).
void serve_tls_keeping_sni(int fd, std::string& sni) {
    ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    SSL_CTX_use_certificate(ctx.get(), identity().cert.get());
    SSL_CTX_use_PrivateKey(ctx.get(), identity().key.get());
    ossl::SslPtr ssl(SSL_new(ctx.get()));
    SSL_set_fd(ssl.get(), fd);
    if (SSL_accept(ssl.get()) != 1) return;
    const char* name = SSL_get_servername(ssl.get(), TLSEXT_NAMETYPE_host_name);
    sni = name != nullptr ? name : "";
    char buf[256];
    while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
    }
}

TEST(ProbeAddress, ImapOnAMappedPortKeepsSniAndOwner) {
    auto sni = std::make_shared<std::string>();
    ProbeResult r;
    std::uint16_t port = 0;
    {
        FakeServer server([sni](int fd) {
            send_text(fd, "* OK IMAP4rev1 ready\r\n");
            read_line(fd);  // a1 STARTTLS
            send_text(fd, "a1 OK Begin TLS negotiation now\r\n");
            serve_tls_keeping_sni(fd, *sni);
        });
        // Port 993 would mean implicit TLS; the scheme says IMAP STARTTLS. Nothing listens on 993
        // here: only the probe address's port reaches the server.
        port = server.port();
        const auto endpoint =
            parse_endpoint("imap://imap.example.net:993@127.0.0.1:" + std::to_string(port));
        ASSERT_TRUE(endpoint.ok()) << endpoint.error().message;
        ProbeOptions options;
        options.timeout = std::chrono::milliseconds(3000);
        r = probe_one(
            {*endpoint, endpoint->probe_at->host, {TlsaRecord{3, 1, 1, identity().spki_sha256}}},
            options);
    }  // the server's thread has ended: *sni is complete
    EXPECT_TRUE(r.dane_ok) << r.problem;
    EXPECT_EQ(r.endpoint, "imap.example.net:993");
    EXPECT_EQ(r.address, "127.0.0.1:" + std::to_string(port));  // the port moved: reports say so
    EXPECT_EQ(r.leaf_spki_sha256, identity().spki_sha256);
    EXPECT_EQ(*sni, "imap.example.net");
}

}  // namespace
}  // namespace dk::probe
