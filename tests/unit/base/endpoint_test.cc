#include "base/endpoint.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

TEST(Endpoint, DefaultsByPort) {
    EXPECT_EQ(parse_endpoint("mx1.example.net").value().start, TlsStart::smtp);
    EXPECT_EQ(parse_endpoint("mx1.example.net:465").value().start, TlsStart::implicit);
    EXPECT_EQ(parse_endpoint("imap.example.net:143").value().start, TlsStart::imap);
    EXPECT_EQ(parse_endpoint("pop.example.net:110").value().start, TlsStart::pop3);
    EXPECT_EQ(parse_endpoint("mx1.example.net:2525", 25, TlsStart::smtp).value().start,
              TlsStart::smtp);
}

TEST(Endpoint, StripsTrailingDotAndParsesPort) {
    auto ep = parse_endpoint("mx1.example.net.:587").value();
    EXPECT_EQ(ep.host, "mx1.example.net");
    EXPECT_EQ(ep.port, 587);
    EXPECT_EQ(ep.to_string(), "mx1.example.net:587");
}

TEST(Endpoint, RefusesBadPorts) {
    EXPECT_FALSE(parse_endpoint("mx:0").ok());
    EXPECT_FALSE(parse_endpoint("mx:65536").ok());
    EXPECT_FALSE(parse_endpoint("mx:x").ok());
    EXPECT_FALSE(parse_endpoint("").ok());
}

TEST(Endpoint, SchemeSaysHowTlsStartsWhateverThePort) {
    const auto imap = parse_endpoint("imap://imap.example.net:1143").value();
    EXPECT_EQ(imap.host, "imap.example.net");
    EXPECT_EQ(imap.port, 1143);
    EXPECT_EQ(imap.start, TlsStart::imap);
    EXPECT_EQ(imap.to_string(), "imap.example.net:1143");  // the TLSA owner's host:port
    EXPECT_FALSE(imap.probe_at.has_value());
    EXPECT_EQ(parse_endpoint("smtp://mx1.example.net:2525").value().start, TlsStart::smtp);
    EXPECT_EQ(parse_endpoint("submission://mx1.example.net:465").value().start, TlsStart::smtp);
    EXPECT_EQ(parse_endpoint("pop3://pop.example.net:995").value().start, TlsStart::pop3);
    // Implicit TLS on ports whose default is STARTTLS (a load balancer terminating elsewhere).
    for (const char* text : {"tls://mx1.example.net:25", "smtps://mx1.example.net:587",
                             "submissions://mx1.example.net:587", "imaps://imap.example.net:143",
                             "pop3s://pop.example.net:110"}) {
        EXPECT_EQ(parse_endpoint(text).value().start, TlsStart::implicit) << text;
    }
    // The scheme wins over the caller's default (the probe verb's --starttls).
    EXPECT_EQ(parse_endpoint("imap://imap.example.net:143", 25, TlsStart::smtp).value().start,
              TlsStart::imap);
    EXPECT_EQ(parse_endpoint("imap://imap.example.net.:143").value().host, "imap.example.net");
}

TEST(Endpoint, PlainFormKeepsThePortDefaults) {
    const auto ep = parse_endpoint("mx1.example.net:587").value();
    EXPECT_EQ(ep.start, TlsStart::smtp);
    EXPECT_EQ(ep.connect_port(), 587);
}

TEST(Endpoint, ProbeAddressKeepsNamesAndPort) {
    const auto v4 = parse_endpoint("smtp://mx1.example.net:25@192.0.2.10").value();
    EXPECT_EQ(v4.host, "mx1.example.net");
    EXPECT_EQ(v4.port, 25);
    ASSERT_TRUE(v4.probe_at.has_value());
    EXPECT_EQ(v4.probe_at->host, "192.0.2.10");
    EXPECT_EQ(v4.probe_at->port, 25);  // the endpoint's port unless the address names one
    EXPECT_EQ(v4.connect_port(), 25);
    EXPECT_EQ(v4.to_string(), "mx1.example.net:25");

    const auto moved = parse_endpoint("imap://imap.example.net:143@10.0.0.5:10143").value();
    EXPECT_EQ(moved.port, 143);
    EXPECT_EQ(moved.connect_port(), 10143);

    const auto v6 = parse_endpoint("tls://mx1.example.net:465@[2001:db8::25]:4650").value();
    EXPECT_EQ(v6.probe_at->host, "2001:db8::25");
    EXPECT_EQ(v6.connect_port(), 4650);
    EXPECT_EQ(parse_endpoint("mx1.example.net:25@2001:db8::25").value().probe_at->host,
              "2001:db8::25");

    // The plain form takes one too, and keeps its port defaults.
    const auto plain = parse_endpoint("mx1.example.net:587@192.0.2.11").value();
    EXPECT_EQ(plain.start, TlsStart::smtp);
    EXPECT_EQ(plain.probe_at->host, "192.0.2.11");
    EXPECT_EQ(plain.connect_port(), 587);
}

TEST(Endpoint, ProbeTargetNamesThePortOnlyWhenItMoves) {
    EXPECT_EQ(probe_target(parse_endpoint("mx1.example.net:25").value(), "192.0.2.25"),
              "192.0.2.25");
    const auto same = parse_endpoint("smtp://mx1.example.net:25@10.0.0.25").value();
    EXPECT_EQ(probe_target(same, "10.0.0.25"), "10.0.0.25");
    const auto moved = parse_endpoint("smtp://mx1.example.net:25@10.0.0.25:2525").value();
    EXPECT_EQ(probe_target(moved, "10.0.0.25"), "10.0.0.25:2525");
    const auto moved6 = parse_endpoint("tls://mx1.example.net:465@[2001:db8::5]:4650").value();
    EXPECT_EQ(probe_target(moved6, "2001:db8::5"), "[2001:db8::5]:4650");
}

TEST(Endpoint, RefusesBadSchemesPortsAndProbeAddresses) {
    const auto problem = [](const char* text) {
        auto ep = parse_endpoint(text);
        EXPECT_FALSE(ep.ok()) << text;
        return ep.ok() ? std::string() : ep.error().message;
    };
    EXPECT_NE(problem("ftp://mx1.example.net:21").find("unknown scheme 'ftp://'"),
              std::string::npos);
    EXPECT_NE(problem("SMTP://mx1.example.net:25").find("unknown scheme"), std::string::npos);
    EXPECT_NE(problem("://mx1.example.net:25").find("unknown scheme"), std::string::npos);
    EXPECT_NE(problem("smtp://mx1.example.net").find("no port in 'smtp://mx1.example.net'"),
              std::string::npos);
    EXPECT_NE(problem("imap://imap.example.net@192.0.2.1").find("no port"), std::string::npos);
    problem("smtp://mx1.example.net:0");
    problem("smtp://mx1.example.net:25/");
    problem("smtp://:25");
    problem("smtp://");
    EXPECT_NE(problem("smtp://mx1.example.net:25@").find("no probe address after '@'"),
              std::string::npos);
    EXPECT_NE(problem("smtp://mx1.example.net:25@lb.example.net").find("is not an IP address"),
              std::string::npos);
    problem("smtp://mx1.example.net:25@192.0.2.300");
    problem("smtp://mx1.example.net:25@192.0.2.1:0");
    problem("smtp://mx1.example.net:25@192.0.2.1:x");
    problem("smtp://mx1.example.net:25@192.0.2.1@192.0.2.2");
    problem("smtp://mx1.example.net:25@[2001:db8::1");
    problem("mx1.example.net:25@");
}

TEST(HostPort, ParsesIpv4AndIpv6) {
    auto v4 = parse_host_port("127.0.0.1:5353", 53).value();
    EXPECT_EQ(v4.host, "127.0.0.1");
    EXPECT_EQ(v4.port, 5353);
    auto v6 = parse_host_port("[::1]:54", 53).value();
    EXPECT_EQ(v6.host, "::1");
    EXPECT_EQ(v6.port, 54);
    EXPECT_EQ(v6.to_string(), "[::1]:54");
    auto bare6 = parse_host_port("::1", 53).value();
    EXPECT_EQ(bare6.host, "::1");
    EXPECT_EQ(bare6.port, 53);
    EXPECT_FALSE(parse_host_port("[::1", 53).ok());
}

TEST(TlsStart, ParsesNames) {
    EXPECT_EQ(parse_tls_start("none").value(), TlsStart::implicit);
    EXPECT_FALSE(parse_tls_start("ftp").ok());
}

}  // namespace
}  // namespace dk
