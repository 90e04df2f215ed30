// The [tlsrpt] table's report URIs and HTTPS receiver, and [[zone]] tlsrpt_rua: which zone's
// _smtp._tls record is kept with which URIs, and each problem as FILE:LINE: FIELD.
#include <gtest/gtest.h>

#include "config/config.h"

namespace dk::config {
namespace {

const std::string zones = R"(state_dir = "/var/lib/dk"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
[[zone]]
name = "example.org"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
ZONE_ORG
[[zone]]
name = "example.com"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
tlsrpt_rua = []
)";

std::string config(const std::string& org, const std::string& tlsrpt) {
    std::string text = zones;
    text.replace(text.find("ZONE_ORG"), 8, org);
    return text + tlsrpt;
}

TEST(TlsrptConfig, EachZoneTakesTheTablesRuaUnlessItHasItsOwn) {
    auto c = parse_config(config("tlsrpt_rua = [\"https://r.example.org/v1\"]",
                                 "[tlsrpt]\nrua = [\"mailto:tlsrpt@example.net\"]\n"),
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->zone("example.net.")->tlsrpt_rua,
              std::vector<std::string>{"mailto:tlsrpt@example.net"});
    EXPECT_EQ(c->zone("example.org.")->tlsrpt_rua,
              std::vector<std::string>{"https://r.example.org/v1"});
    EXPECT_TRUE(c->zone("example.com.")->tlsrpt_rua.empty());  // `[]`: not managed
}

TEST(TlsrptConfig, WithoutRuaNoRecordIsManaged) {
    auto c = parse_config(config("", ""), "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    for (const auto& z : c->zones) EXPECT_TRUE(z.tlsrpt_rua.empty()) << z.name;
    EXPECT_FALSE(c->tlsrpt.https_listen.has_value());
}

TEST(TlsrptConfig, ABadUriNamesItsLineAndField) {
    auto c = parse_config(config("tlsrpt_rua = [\"http://r.example.org/\"]",
                                 "[tlsrpt]\nrua = [\"mailto:a@example.net,mailto:b@x.example\"]\n"),
                          "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(
        c.error().message.find("dk.toml:10: zone[1].tlsrpt_rua: rua \"http://r.example.org/\": "
                               "reports go to mailto: or https: URIs only"),
        std::string::npos)
        << c.error().message;
    EXPECT_NE(c.error().message.find("dk.toml:17: tlsrpt.rua: rua "
                                     "\"mailto:a@example.net,mailto:b@x.example\": ';' and ','"),
              std::string::npos)
        << c.error().message;
}

TEST(TlsrptConfig, TheReceiverNeedsItsCertificateAndKey) {
    auto c = parse_config(config("", "[tlsrpt]\nhttps_listen = \"192.0.2.25:8443\"\n"), "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("tlsrpt.https_cert_file"), std::string::npos);
    EXPECT_NE(c.error().message.find("tlsrpt.https_key_file"), std::string::npos);
    c = parse_config(config("", "[tlsrpt]\nhttps_cert_file = \"/etc/dk/c.pem\"\n"), "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("tlsrpt.https_cert_file: only with https_listen"),
              std::string::npos)
        << c.error().message;
    c = parse_config(config("",
                            "[tlsrpt]\nhttps_listen = \"192.0.2.25:8443\"\n"
                            "https_cert_file = \"/etc/dk/c.pem\"\nhttps_key_file = "
                            "\"/etc/dk/k.pem\"\nhttps_path = \"tlsrpt?x\"\n"),
                     "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("tlsrpt.https_path: must be an absolute URL path"),
              std::string::npos)
        << c.error().message;
}

}  // namespace
}  // namespace dk::config
