// [[zone]] with publisher = "signed-file": its keys, defaults and every problem as
// FILE:LINE: FIELD: problem.
#include <gtest/gtest.h>

#include "config/config.h"

namespace dk::config {
namespace {

const std::string signed_zone = R"(state_dir = "/var/lib/dk"
[[zone]]
name = "example.net"
publisher = "signed-file"
unsigned_file = "/etc/dk/example.net.zone"
signed_file = "/var/lib/knot/example.net.signed"
reload = [["/usr/sbin/knotc", "zone-reload", "example.net"]]
authoritative = ["192.0.2.53:53", "192.0.2.54:53"]
nsec3 = true
signature_validity_days = 21
refresh_days = 7
jitter_hours = 24
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << "test bug: no '" << from << "'";
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

void expect_problem(const std::string& text, const std::string& expected) {
    auto c = parse_config(text, "dk.toml");
    ASSERT_FALSE(c.ok()) << expected;
    EXPECT_NE(c.error().message.find(expected), std::string::npos) << c.error().message;
}

TEST(SignedFileZone, ParsesWithoutTsigAndTakesTheFirstServerAsPrimary) {
    auto c = parse_config(signed_zone, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const ZoneConfig& z = c->zones.at(0);
    EXPECT_EQ(z.publisher, "signed-file");
    ASSERT_TRUE(z.signed_file.has_value());
    EXPECT_EQ(z.signed_file->unsigned_file, "/etc/dk/example.net.zone");
    EXPECT_EQ(z.signed_file->signed_file, "/var/lib/knot/example.net.signed");
    EXPECT_EQ(z.signed_file->reload.at(0).at(1), "zone-reload");
    EXPECT_TRUE(z.signed_file->nsec3);
    EXPECT_EQ(z.signed_file->signature_validity_days, 21);
    EXPECT_EQ(z.signed_file->refresh_days, 7);
    EXPECT_EQ(z.signed_file->jitter_hours, 24);
    EXPECT_EQ(z.signed_file->algorithm, "ecdsap256sha256");
    EXPECT_EQ(z.signed_file->serial, "unixtime");
    EXPECT_FALSE(z.signed_file->keys_dir.has_value());
    EXPECT_EQ(z.primary.to_string(), "192.0.2.53:53");
    EXPECT_TRUE(z.tsig_key_file.empty());
}

TEST(SignedFileZone, EachProblemNamesFileLineAndField) {
    const std::vector<std::pair<std::pair<std::string, std::string>, std::string>> cases{
        {{"unsigned_file = \"/etc/dk/example.net.zone\"\n", ""},
         "dk.toml:2: zone[0].unsigned_file: is required"},
        {{"\"/var/lib/knot/example.net.signed\"", "\"example.net.signed\""},
         "dk.toml:6: zone[0].signed_file: must be an absolute path"},
        {{"\"/var/lib/knot/example.net.signed\"", "\"/etc/dk/example.net.zone\""},
         "dk.toml:6: zone[0].signed_file: must differ from unsigned_file"},
        {{"[[\"/usr/sbin/knotc\",", "[[\"knotc\","},
         "dk.toml:7: zone[0].reload: must be a list of argv lists"},
        {{"nsec3 = true", "nsec3 = \"yes\""}, "dk.toml:9: zone[0].nsec3: must be true or false"},
        {{"refresh_days = 7", "refresh_days = 21"},
         "dk.toml:11: zone[0].refresh_days: must be less than signature_validity_days"},
        {{"jitter_hours = 24", "jitter_hours = 336"},
         "dk.toml:12: zone[0].jitter_hours: must be less than"},
        {{"nsec3 = true", "algorithm = \"dsa\""},
         "dk.toml:9: zone[0].algorithm: must be \"ecdsap256sha256\", \"ed25519\" or \"rsasha256\""},
        {{"nsec3 = true", "serial = \"date\""}, "dk.toml:9: zone[0].serial: must be"},
        {{"authoritative = [\"192.0.2.53:53\", \"192.0.2.54:53\"]\n", ""},
         "zone[0].authoritative: signed-file needs the servers that serve signed_file"},
        {{"publisher = \"signed-file\"",
          "publisher = \"rfc2136\"\nprimary = \"192.0.2.53\"\n"
          "tsig_key_file = \"/etc/dk/k.key\""},
         "zone[0].unsigned_file: only for publisher = \"signed-file\""},
    };
    for (const auto& [change, expected] : cases) {
        SCOPED_TRACE(expected);
        expect_problem(with(signed_zone, change.first, change.second), expected);
    }
}

TEST(SignedFileZone, Rfc2136StillNeedsItsPrimaryAndKey) {
    const std::string rfc2136 = with(
        with(signed_zone, "publisher = \"signed-file\"", "publisher = \"rfc2136\""),
        "unsigned_file = \"/etc/dk/example.net.zone\"\nsigned_file = "
        "\"/var/lib/knot/example.net.signed\"\nreload = [[\"/usr/sbin/knotc\", \"zone-reload\", "
        "\"example.net\"]]\n",
        "");
    const std::string without = with(with(rfc2136, "nsec3 = true\n", ""),
                                     "signature_validity_days = 21\nrefresh_days = 7\n"
                                     "jitter_hours = 24\n",
                                     "");
    expect_problem(without, "zone[0].primary: is required");
    expect_problem(without, "zone[0].tsig_key_file: is required");
}

}  // namespace
}  // namespace dk::config
