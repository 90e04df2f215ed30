// The key-management keys of a signed-file [[zone]]: defaults, values, and every problem named.
#include <gtest/gtest.h>

#include "config/config.h"

namespace dk::config {
namespace {

const std::string zone_head = R"(state_dir = "/var/lib/dk"
[[zone]]
name = "example.net"
publisher = "signed-file"
unsigned_file = "/etc/dk/example.net.zone"
signed_file = "/var/lib/knot/example.net.signed"
authoritative = ["192.0.2.53:53"]
)";
const std::string slot = R"([[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

TEST(DnssecKeyConfig, DefaultsAreProductionTimings) {
    auto c = parse_config(zone_head + slot, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& k = c->zones.at(0).signed_file->keys;
    EXPECT_TRUE(c->zones.at(0).parent_servers.empty());
    EXPECT_EQ(k.zsk_lifetime_days, 90);
    EXPECT_EQ(k.ksk_lifetime_days, 0);
    EXPECT_EQ(k.publish_safety_seconds, 3600);
    EXPECT_EQ(k.retire_safety_seconds, 3600);
    EXPECT_EQ(k.ds_ttl, 86400);
}

TEST(DnssecKeyConfig, TakesEveryKey) {
    auto c = parse_config(zone_head +
                              "parent_servers = [\"192.0.2.1\", \"192.0.2.2:5353\"]\n"
                              "zsk_lifetime_days = 30\nksk_lifetime_days = 365\n"
                              "key_publish_safety_seconds = 5\nkey_retire_safety_seconds = 6\n"
                              "ds_ttl = 3600\n" +
                              slot,
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& k = c->zones.at(0).signed_file->keys;
    ASSERT_EQ(c->zones.at(0).parent_servers.size(), 2U);
    EXPECT_EQ(c->zones.at(0).parent_servers[1].port, 5353);
    EXPECT_EQ(k.zsk_lifetime_days, 30);
    EXPECT_EQ(k.ksk_lifetime_days, 365);
    EXPECT_EQ(k.publish_safety_seconds, 5);
    EXPECT_EQ(k.retire_safety_seconds, 6);
    EXPECT_EQ(k.ds_ttl, 3600);
}

TEST(DnssecKeyConfig, NamesEveryProblem) {
    auto c = parse_config(zone_head +
                              "parent_servers = [\"not an address:x\"]\n"
                              "zsk_lifetime_days = -1\nds_ttl = 0\n" +
                              slot,
                          "dk.toml");
    ASSERT_FALSE(c.ok());
    for (const char* field : {"parent_servers", "zsk_lifetime_days", "ds_ttl"})
        EXPECT_NE(c.error().message.find(field), std::string::npos) << c.error().message;
    auto with_dir = parse_config(
        zone_head + "keys_dir = \"/etc/dk/keys\"\nzsk_lifetime_days = 3\n" + slot, "dk.toml");
    ASSERT_FALSE(with_dir.ok());
    EXPECT_NE(with_dir.error().message.find("no keys_dir"), std::string::npos)
        << with_dir.error().message;
    auto rfc2136 = parse_config(R"(state_dir = "/var/lib/dk"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/tsig.key"
zsk_lifetime_days = 3
)" + slot,
                                "dk.toml");
    ASSERT_FALSE(rfc2136.ok());
    EXPECT_NE(rfc2136.error().message.find("zsk_lifetime_days: only for publisher"),
              std::string::npos)
        << rfc2136.error().message;
}

// The parent's DS is read for any zone: parent_servers on an RFC 2136 zone, and the parent's
// anchor in [dns].
TEST(DnssecKeyConfig, AnyZoneMayBeAnchoredAtItsParent) {
    auto c = parse_config(R"(state_dir = "/var/lib/dk"
[dns]
parent_anchor_file = "/etc/dk/net.ds"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/tsig.key"
parent_servers = ["192.0.2.1", "192.0.2.2:5353"]
)" + slot,
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->parent_anchor_file, "/etc/dk/net.ds");
    ASSERT_EQ(c->zones.at(0).parent_servers.size(), 2U);
    EXPECT_EQ(c->zones.at(0).parent_servers[0].port, 53);
}

}  // namespace
}  // namespace dk::config
