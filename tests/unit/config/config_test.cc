#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace dk::config {
namespace {

const std::string valid = R"(state_dir = "/var/lib/dk"
[dns]
resolver = "127.0.0.1:53"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
tlsa_ttl = 300
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25", "mx1.example.net:465"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
reload = [["/usr/sbin/postfix", "reload"]]
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

TEST(Config, ParsesTheDocumentedShape) {
    auto c = parse_config(valid, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->state_dir, "/var/lib/dk");
    EXPECT_EQ(c->resolver->to_string(), "127.0.0.1:53");
    ASSERT_EQ(c->zones.size(), 1u);
    EXPECT_EQ(c->zones[0].name, "example.net.");
    EXPECT_EQ(c->zones[0].tlsa_ttl, 300u);
    const SlotConfig* slot = c->slot("mx");
    ASSERT_NE(slot, nullptr);
    EXPECT_EQ(slot->zone, "example.net.");
    ASSERT_EQ(slot->endpoints.size(), 2u);
    EXPECT_EQ(slot->endpoints[1].start, TlsStart::implicit);
    EXPECT_EQ(slot->reload.at(0).at(1), "reload");
    EXPECT_EQ(slot->margin_seconds, 900);
}

void expect_problem(const std::string& text, const std::string& needle) {
    auto c = parse_config(text, "dk.toml");
    ASSERT_FALSE(c.ok()) << "accepted: " << text;
    EXPECT_EQ(c.error().kind, ErrorKind::bad_input);
    EXPECT_NE(c.error().message.find(needle), std::string::npos) << c.error().message;
}

TEST(Config, EachProblemNamesFileLineAndField) {
    expect_problem(with(valid, "tlsa_ttl = 300", "tlsa_tll = 300"),
                   "dk.toml:8: zone[0].tlsa_tll: unknown key");
    expect_problem(with(valid, "tlsa_ttl = 300", "tlsa_ttl = 0"),
                   "dk.toml:8: zone[0].tlsa_ttl: must be between 1 and 86400");
    expect_problem(with(valid, "tlsa_ttl = 300", "tlsa_ttl = \"300\""),
                   "zone[0].tlsa_ttl: must be an integer");
    expect_problem(with(valid, "primary = \"192.0.2.53:53\"", "primary = \"192.0.2.53:0\""),
                   "zone[0].primary: bad port");
    expect_problem(with(valid, "\"mx1.example.net:25\", ", "\"mx1.example.org:25\", "),
                   "is in no configured [[zone]]");
    expect_problem(with(valid, "\"/usr/sbin/postfix\", \"reload\"", "\"postfix\", \"reload\""),
                   "key[0].reload");
    expect_problem(with(valid, "\"{csr}\"", "\"{cert}\""), "unknown placeholder {cert}");
    expect_problem(with(valid, "name = \"mx\"\n", ""), "key[0].name: is required");
    expect_problem(with(valid, "[dns]", "[dns\n"), "dk.toml:2:");
}

TEST(Config, ReportsAllProblemsTogether) {
    auto c =
        parse_config("bogus = 1\n" + with(valid, "tlsa_ttl = 300", "tlsa_ttl = -1"), "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("tlsa_ttl"), std::string::npos);
    EXPECT_NE(c.error().message.find("bogus: unknown key"), std::string::npos);
}

TEST(Config, DuplicateSlotsAndEndpointsAreRefused) {
    const std::string slot = valid.substr(valid.find("[[key]]"));
    expect_problem(valid + slot, "duplicate slot name 'mx'");
    expect_problem(valid + with(slot, "name = \"mx\"", "name = \"mx2\""),
                   "in two slots with the same algorithm");
    EXPECT_TRUE(parse_config(valid + with(with(slot, "name = \"mx\"", "name = \"mx-rsa\""),
                                          "[[key]]\n", "[[key]]\nalgorithm = \"rsa-3072\"\n"),
                             "dk.toml")
                    .ok());
}

TEST(Config, ShippedExamplesParse) {
    std::ifstream in(std::string(DK_SOURCE_DIR) + "/examples/danekeeper.toml");
    std::stringstream text;
    text << in.rdbuf();
    auto c = parse_config(text.str(), "examples/danekeeper.toml");
    EXPECT_TRUE(c.ok()) << c.error().message;
}

}  // namespace
}  // namespace dk::config
