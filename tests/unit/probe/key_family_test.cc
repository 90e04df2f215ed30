// One endpoint, two chains (RSA and ECDSA) as Postfix `smtpd_tls_chain_files` serves them: a
// probe that offers one family's algorithms only sees that family's chain; a server without such a
// chain refuses, which the probe reports as "not offered" rather than as a broken endpoint.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "fake_server.h"
#include "probe/probe.h"

namespace dk::probe {
namespace {

using namespace testing;

const TestIdentity& ecdsa_identity() {
    static const TestIdentity id = make_identity("mx.example.net", cert::KeyAlgorithm::ecdsa_p256);
    return id;
}
const TestIdentity& rsa_identity() {
    static const TestIdentity id = make_identity("mx.example.net", cert::KeyAlgorithm::rsa_2048);
    return id;
}

TlsaRecord record_of(const TestIdentity& id) {
    return TlsaRecord{3, 1, 1, id.spki_sha256};
}

ProbeRequest request_for(const FakeServer& server, std::vector<TlsaRecord> tlsa, KeyFamily family) {
    return {Endpoint{"mx.example.net", server.port(), TlsStart::implicit}, "127.0.0.1",
            std::move(tlsa), family};
}

ProbeOptions short_timeout() {
    ProbeOptions options;
    options.timeout = std::chrono::milliseconds(3000);
    return options;
}

TEST(ProbeKeyFamily, EachFamilyGetsItsOwnChain) {
    FakeServer server([](int fd) { serve_tls_pair(fd, ecdsa_identity(), rsa_identity()); }, 2);
    const std::vector<TlsaRecord> both{record_of(ecdsa_identity()), record_of(rsa_identity())};
    const auto rsa = probe_one(request_for(server, both, KeyFamily::rsa), short_timeout());
    ASSERT_TRUE(rsa.dane_ok) << rsa.problem;
    EXPECT_EQ(rsa.key_family, "rsa");
    EXPECT_EQ(rsa.leaf_spki_sha256, rsa_identity().spki_sha256);
    EXPECT_EQ(rsa.offered, KeyFamily::rsa);
    const auto ecdsa = probe_one(request_for(server, both, KeyFamily::ecdsa), short_timeout());
    ASSERT_TRUE(ecdsa.dane_ok) << ecdsa.problem;
    EXPECT_EQ(ecdsa.key_family, "ecdsa");
    EXPECT_EQ(ecdsa.leaf_spki_sha256, ecdsa_identity().spki_sha256);
}

TEST(ProbeKeyFamily, TlsTwelveCipherSuitesPickTheChainToo) {
    // A TLS 1.2-only server: the family is chosen by the cipher suites offered.
    FakeServer tls12(
        [](int fd) {
            ossl::SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
            SSL_CTX_set_max_proto_version(ctx.get(), TLS1_2_VERSION);
            for (const TestIdentity* id : {&ecdsa_identity(), &rsa_identity()}) {
                SSL_CTX_use_certificate(ctx.get(), id->cert.get());
                SSL_CTX_use_PrivateKey(ctx.get(), id->key.get());
            }
            ossl::SslPtr ssl(SSL_new(ctx.get()));
            SSL_set_fd(ssl.get(), fd);
            if (SSL_accept(ssl.get()) == 1) {
                char buf[64];
                while (SSL_read(ssl.get(), buf, sizeof buf) > 0) {
                }
            }
        },
        2);
    const std::vector<TlsaRecord> both{record_of(ecdsa_identity()), record_of(rsa_identity())};
    const auto rsa = probe_one(request_for(tls12, both, KeyFamily::rsa), short_timeout());
    ASSERT_TRUE(rsa.dane_ok) << rsa.problem;
    EXPECT_EQ(rsa.tls_version, "TLSv1.2");
    EXPECT_EQ(rsa.key_family, "rsa");
    const auto ecdsa = probe_one(request_for(tls12, both, KeyFamily::ecdsa), short_timeout());
    ASSERT_TRUE(ecdsa.dane_ok) << ecdsa.problem;
    EXPECT_EQ(ecdsa.key_family, "ecdsa");
}

TEST(ProbeKeyFamily, AMissingFamilyIsRefusedNotBroken) {
    FakeServer server([](int fd) { serve_tls(fd, ecdsa_identity()); });
    const auto r = probe_one(request_for(server, {record_of(ecdsa_identity())}, KeyFamily::rsa),
                             short_timeout());
    EXPECT_FALSE(r.dane_ok);
    EXPECT_TRUE(r.family_refused) << r.problem;
    EXPECT_EQ(r.failed_at, Stage::handshake);
    EXPECT_FALSE(r.environment_failure);
    EXPECT_NE(r.problem.find("no rsa chain offered"), std::string::npos) << r.problem;
}

TEST(ProbeKeyFamily, EveryChainIsJudgedOnItsOwn) {
    // Records for the ECDSA key only: a sender that negotiates RSA fails DANE. probe_one without a
    // family sees the ECDSA chain and passes, which is why every chain is probed.
    FakeServer server([](int fd) { serve_tls_pair(fd, ecdsa_identity(), rsa_identity()); }, 2);
    const auto chains = probe_all_chains(
        {request_for(server, {record_of(ecdsa_identity())}, KeyFamily::any)}, short_timeout());
    ASSERT_EQ(chains.size(), 1U);
    ASSERT_EQ(chains[0].size(), 2U);
    for (const auto& r : chains[0]) {
        if (r.key_family == "ecdsa") {
            EXPECT_TRUE(r.dane_ok) << r.problem;
        } else {
            EXPECT_EQ(r.key_family, "rsa");
            EXPECT_FALSE(r.dane_ok);
            EXPECT_EQ(r.failed_at, Stage::verify);
        }
    }
}

TEST(ProbeKeyFamily, OneChainServerGivesOneResult) {
    FakeServer server([](int fd) { serve_tls(fd, rsa_identity()); }, 2);
    const auto chains = probe_all_chains(
        {request_for(server, {record_of(rsa_identity())}, KeyFamily::any)}, short_timeout());
    ASSERT_EQ(chains.size(), 1U);
    ASSERT_EQ(chains[0].size(), 1U);
    EXPECT_TRUE(chains[0][0].dane_ok) << chains[0][0].problem;
    EXPECT_EQ(chains[0][0].key_family, "rsa");
}

TEST(ProbeKeyFamily, ConfiguredAlgorithmsMapToFamilies) {
    EXPECT_EQ(family_of_algorithm("rsa-2048").value(), KeyFamily::rsa);
    EXPECT_EQ(family_of_algorithm("rsa-4096").value(), KeyFamily::rsa);
    EXPECT_EQ(family_of_algorithm("ecdsa-p384").value(), KeyFamily::ecdsa);
    EXPECT_EQ(family_of_algorithm("ed25519").value(), KeyFamily::ed25519);
    EXPECT_FALSE(family_of_algorithm("dsa").ok());
}

}  // namespace
}  // namespace dk::probe
