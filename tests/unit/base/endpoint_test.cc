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
