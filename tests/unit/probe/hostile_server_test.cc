// The prober against in-process servers: the happy paths and every kind of misbehaviour, each a
// clear failure at the right stage within the deadline, never a crash or a hang.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>

#include "fake_server.h"
#include "probe/probe.h"

namespace dk::probe {
namespace {

using namespace testing;
using std::chrono::milliseconds;

const TestIdentity& identity() {
    static const TestIdentity id = make_identity("mx.example.net");
    return id;
}

TlsaRecord matching() {
    return TlsaRecord{3, 1, 1, identity().spki_sha256};
}
TlsaRecord other() {
    return TlsaRecord{3, 1, 1, Bytes(32, 0xab)};
}

void smtp_until_starttls(int fd) {
    send_text(fd, "220 mx.example.net ESMTP\r\n");
    read_line(fd);  // EHLO
    send_text(fd, "250-mx.example.net\r\n250-PIPELINING\r\n250 STARTTLS\r\n");
    read_line(fd);  // STARTTLS
}

ProbeResult probe_fake(const FakeServer& server, TlsStart start, std::vector<TlsaRecord> tlsa,
                       milliseconds timeout = milliseconds(3000)) {
    ProbeOptions options;
    options.timeout = timeout;
    return probe_one(
        {Endpoint{"mx.example.net", server.port(), start}, "127.0.0.1", std::move(tlsa)}, options);
}

TEST(Probe, SmtpStarttlsMatches) {
    FakeServer server([](int fd) {
        smtp_until_starttls(fd);
        send_text(fd, "220 go ahead\r\n");
        serve_tls(fd, identity());
    });
    const auto r = probe_fake(server, TlsStart::smtp, {other(), matching()});
    EXPECT_TRUE(r.dane_ok) << r.problem;
    ASSERT_TRUE(r.matched.has_value());
    EXPECT_EQ(*r.matched, matching());
    EXPECT_EQ(r.leaf_spki_sha256, identity().spki_sha256);
    EXPECT_TRUE(r.forward_secret);
    EXPECT_FALSE(r.tls_version.empty());
}

TEST(Probe, ImplicitTlsMismatchNamesTheReason) {
    FakeServer server([](int fd) { serve_tls(fd, identity()); });
    const auto r = probe_fake(server, TlsStart::implicit, {other()});
    EXPECT_FALSE(r.dane_ok);
    EXPECT_EQ(r.failed_at, Stage::verify);
    EXPECT_FALSE(r.environment_failure);
    EXPECT_NE(r.problem.find("DANE"), std::string::npos);
}

TEST(Probe, ImapStarttls) {
    FakeServer server([](int fd) {
        send_text(fd, "* OK IMAP4rev1 ready\r\n");
        read_line(fd);  // a1 STARTTLS
        send_text(fd, "* CAPABILITY IMAP4rev1\r\na1 OK Begin TLS negotiation now\r\n");
        serve_tls(fd, identity());
    });
    const auto r = probe_fake(server, TlsStart::imap, {matching()});
    EXPECT_TRUE(r.dane_ok) << r.problem;
}

TEST(Probe, Pop3Stls) {
    FakeServer server([](int fd) {
        send_text(fd, "+OK POP3 ready\r\n");
        read_line(fd);  // STLS
        send_text(fd, "+OK Begin TLS\r\n");
        serve_tls(fd, identity());
    });
    const auto r = probe_fake(server, TlsStart::pop3, {matching()});
    EXPECT_TRUE(r.dane_ok) << r.problem;
}

TEST(Probe, ImapStarttlsRefused) {
    FakeServer server([](int fd) {
        send_text(fd, "* OK IMAP4rev1 ready\r\n");
        read_line(fd);
        send_text(fd, "a1 NO STARTTLS unavailable\r\n");
    });
    const auto r = probe_fake(server, TlsStart::imap, {matching()});
    EXPECT_EQ(r.failed_at, Stage::starttls);
    EXPECT_NE(r.problem.find("refused"), std::string::npos);
}

TEST(Probe, StarttlsNotOffered) {
    FakeServer server([](int fd) {
        send_text(fd, "220 mx ESMTP\r\n");
        read_line(fd);
        send_text(fd, "250-mx\r\n250 8BITMIME\r\n");
        read_line(fd);
    });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::starttls);
    EXPECT_NE(r.problem.find("STARTTLS not offered"), std::string::npos);
}

TEST(Probe, StarttlsOfferedThenRefused) {
    FakeServer server([](int fd) {
        smtp_until_starttls(fd);
        send_text(fd, "454 4.7.0 TLS not available due to local problem\r\n");
    });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::starttls);
    EXPECT_NE(r.problem.find("454"), std::string::npos);
}

TEST(Probe, TempFailBanner) {
    FakeServer server([](int fd) { send_text(fd, "421 4.3.2 busy\r\n"); });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::banner);
    EXPECT_NE(r.problem.find("421"), std::string::npos);
}

// A hostile banner's escape sequences never reach the terminal: control bytes come out as \xNN.
TEST(Probe, ControlBytesFromTheServerAreEscaped) {
    FakeServer smtp([](int fd) { send_text(fd, "554 \x1b[2J\x1b]0;owned\x07 go away\r\n"); });
    const auto s = probe_fake(smtp, TlsStart::smtp, {matching()});
    EXPECT_EQ(s.failed_at, Stage::banner);
    EXPECT_EQ(s.problem, "banner: banner: 554 \\x1b[2J\\x1b]0;owned\\x07 go away");
    FakeServer imap([](int fd) { send_text(fd, "* BAD \x1b[31mred\x9b\r\n"); });
    const auto i = probe_fake(imap, TlsStart::imap, {matching()});
    EXPECT_EQ(i.failed_at, Stage::banner);
    EXPECT_EQ(i.problem, "banner: greeting: * BAD \\x1b[31mred\\x9b");
}

TEST(Probe, MegabyteBannerFailsFast) {
    FakeServer server(
        [](int fd) { send_text(fd, "220 " + std::string(1024 * 1024, 'x') + "\r\n"); });
    const auto start = std::chrono::steady_clock::now();
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::banner);
    EXPECT_NE(r.problem.find("longer than"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST(Probe, EndlessMultilineReply) {
    FakeServer server([](int fd) {
        for (int i = 0; i < 20000; ++i) send_text(fd, "220-still talking\r\n");
    });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::banner);
    EXPECT_NE(r.problem.find("longer than"), std::string::npos);
}

TEST(Probe, GarbageInsteadOfTls) {
    FakeServer server([](int fd) {
        smtp_until_starttls(fd);
        send_text(fd, "220 go ahead\r\n");
        char hello[512];
        (void)!::read(fd, hello, sizeof hello);  // the ClientHello
        send_text(fd, "this is not a TLS record at all\r\n");
    });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::handshake);
}

TEST(Probe, DataPipelinedAfterTheStarttlsGoAheadIsRefused) {
    // Plain-text bytes queued behind the 220 would be read as if they came over TLS
    // (the STARTTLS injection flaw): refuse them.
    FakeServer server([](int fd) {
        smtp_until_starttls(fd);
        send_text(fd, "220 go ahead\r\n250 injected\r\n");
    });
    const auto r = probe_fake(server, TlsStart::smtp, {matching()});
    EXPECT_EQ(r.failed_at, Stage::starttls);
    EXPECT_NE(r.problem.find("after the 220"), std::string::npos);
}

// The same for IMAP and POP3: bytes queued behind the tagged OK / +OK are refused.
TEST(Probe, DataPipelinedAfterTheImapOrPop3GoAheadIsRefused) {
    FakeServer imap([](int fd) {
        send_text(fd, "* OK IMAP4rev1 ready\r\n");
        read_line(fd);
        send_text(fd, "a1 OK Begin TLS negotiation now\r\n* BYE injected\r\n");
    });
    const auto i = probe_fake(imap, TlsStart::imap, {matching()});
    EXPECT_EQ(i.failed_at, Stage::starttls);
    EXPECT_EQ(i.problem, "starttls: data after the go-ahead to STARTTLS");
    FakeServer pop3([](int fd) {
        send_text(fd, "+OK POP3 ready\r\n");
        read_line(fd);
        send_text(fd, "+OK Begin TLS\r\n-ERR injected\r\n");
    });
    const auto p = probe_fake(pop3, TlsStart::pop3, {matching()});
    EXPECT_EQ(p.failed_at, Stage::starttls);
    EXPECT_EQ(p.problem, "starttls: data after the go-ahead to STARTTLS");
}

TEST(Probe, CloseInTheMiddleOfTheHandshake) {
    FakeServer server([](int fd) {
        char buf[64];
        (void)!::read(fd, buf, sizeof buf);  // part of the ClientHello, then hang up
    });
    const auto r = probe_fake(server, TlsStart::implicit, {matching()});
    EXPECT_EQ(r.failed_at, Stage::handshake);
}

TEST(Probe, SilentServerTimesOutWithinTheDeadline) {
    FakeServer server([](int fd) { read_line(fd); });
    const auto start = std::chrono::steady_clock::now();
    const auto r = probe_fake(server, TlsStart::smtp, {matching()}, milliseconds(300));
    EXPECT_EQ(r.failed_at, Stage::banner);
    EXPECT_TRUE(r.environment_failure);
    EXPECT_NE(r.problem.find("timed out"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(Probe, RefusedConnectionIsAnEnvironmentFailure) {
    std::uint16_t port = 0;
    {
        FakeServer gone([](int) {});
        port = gone.port();
    }
    ProbeOptions options;
    options.timeout = milliseconds(1000);
    const auto r =
        probe_one({Endpoint{"mx", port, TlsStart::smtp}, "127.0.0.1", {matching()}}, options);
    EXPECT_EQ(r.failed_at, Stage::connect);
    EXPECT_TRUE(r.environment_failure);
}

TEST(Probe, ASlowServerDoesNotStallTheOthers) {
    FakeServer slow([](int fd) { read_line(fd); });
    FakeServer quick([](int fd) { serve_tls(fd, identity()); });
    ProbeOptions options;
    options.timeout = milliseconds(1500);
    const auto start = std::chrono::steady_clock::now();
    const auto results =
        probe_all({{Endpoint{"mx", slow.port(), TlsStart::smtp}, "127.0.0.1", {matching()}},
                   {Endpoint{"mx", quick.port(), TlsStart::implicit}, "127.0.0.1", {matching()}}},
                  options);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(2500));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_FALSE(results[0].dane_ok);
    EXPECT_TRUE(results[1].dane_ok) << results[1].problem;
}

}  // namespace
}  // namespace dk::probe
