// The mta_sts_* keys of a [[zone]]: MTA-STS (RFC 8461) for the mail domain named like the zone.
#include <gtest/gtest.h>

#include "config/config.h"

namespace dk::config {
namespace {

const std::string base = R"(state_dir = "/var/lib/dk"
[dns]
resolver = "127.0.0.1:53"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
MTA_STS
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

std::string config_with(const std::string& mta_sts, bool resolver = true) {
    std::string text = base;
    text.replace(text.find("MTA_STS"), 7, mta_sts);
    if (!resolver) {
        const auto at = text.find("resolver = ");
        text.erase(at, text.find('\n', at) - at);
    }
    return text;
}

TEST(MtaStsConfig, AbsentMeansNoMtaSts) {
    auto c = parse_config(config_with(""), "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_FALSE(c->zones[0].mta_sts);
}

TEST(MtaStsConfig, ParsesEveryKeyWithTheSchemaDefaults) {
    auto c = parse_config(config_with("mta_sts_mode = \"enforce\"\n"
                                      "mta_sts_policy_file = \"/var/www/mta-sts/p.txt\"\n"
                                      "mta_sts_addresses = [\"192.0.2.80\", \"2001:db8::80\"]\n"
                                      "mta_sts_ca_bundle = \"/etc/ssl/certs/ca-certificates.crt\""),
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& m = *c->zones[0].mta_sts;
    EXPECT_EQ(m.mode, "enforce");
    EXPECT_EQ(m.max_age, 604800);
    EXPECT_EQ(m.policy_file, "/var/www/mta-sts/p.txt");
    EXPECT_EQ(m.addresses, (std::vector<std::string>{"192.0.2.80", "2001:db8::80"}));
    EXPECT_EQ(m.ca_bundle, "/etc/ssl/certs/ca-certificates.crt");
}

struct Bad {
    std::string keys;
    std::string says;
    bool resolver = true;
};

TEST(MtaStsConfig, RefusesEachBadKeyNamingIt) {
    const Bad cases[] = {
        {"mta_sts_mode = \"strict\"\nmta_sts_policy_file = \"/p\"", "zone[0].mta_sts_mode"},
        {"mta_sts_mode = \"enforce\"", "zone[0].mta_sts_policy_file"},
        {"mta_sts_mode = \"enforce\"\nmta_sts_policy_file = \"p.txt\"", "mta_sts_policy_file"},
        {"mta_sts_mode = \"testing\"\nmta_sts_policy_file = \"/p\"\nmta_sts_max_age = 31557601",
         "mta_sts_max_age"},
        {"mta_sts_mode = \"testing\"\nmta_sts_policy_file = \"/p\"\nmta_sts_addresses = "
         "[\"mta-sts.example.net\"]",
         "is not an IP address"},
        {"mta_sts_max_age = 86400", "only with mta_sts_mode"},
        {"mta_sts_mode = \"testing\"\nmta_sts_policy_file = \"/p\"", "needs [dns] resolver", false},
    };
    for (const auto& c : cases) {
        auto parsed = parse_config(config_with(c.keys, c.resolver), "dk.toml");
        ASSERT_FALSE(parsed.ok()) << c.keys;
        EXPECT_NE(parsed.error().message.find(c.says), std::string::npos)
            << c.keys << " -> " << parsed.error().message;
        EXPECT_NE(parsed.error().message.find("dk.toml:"), std::string::npos);
    }
}

}  // namespace
}  // namespace dk::config
