// The [audit] table: certified CAs and lint thresholds, each problem as FILE:LINE: FIELD.
#include <gtest/gtest.h>

#include "config/config.h"

namespace dk::config {
namespace {

const std::string base = R"(state_dir = "/var/lib/dk"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";  // 11 lines: [audit] starts on line 12

const std::string ca_a = std::string(64, 'A');
const std::string ca_b = std::string(63, '0') + "f";

TEST(AuditConfig, DefaultsWithoutTheTable) {
    auto c = parse_config(base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_TRUE(c->audit.certified_ca_spki_sha256.empty());
    EXPECT_EQ(c->audit.rrsig_warn_days, 7);
    EXPECT_EQ(c->audit.max_tlsa_records, 12);
}

TEST(AuditConfig, ReadsEveryKeyAndLowersHex) {
    auto c = parse_config(base + "[audit]\ncertified_ca_spki_sha256 = [\"" + ca_a + "\", \"" +
                              ca_b + "\"]\nrrsig_warn_days = 3\nmax_tlsa_records = 8\n",
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->audit.certified_ca_spki_sha256,
              (std::vector<std::string>{std::string(64, 'a'), ca_b}));
    EXPECT_EQ(c->audit.rrsig_warn_days, 3);
    EXPECT_EQ(c->audit.max_tlsa_records, 8);
}

void expect_problem(const std::string& audit_table, const std::string& expected) {
    auto c = parse_config(base + audit_table, "dk.toml");
    ASSERT_FALSE(c.ok()) << audit_table;
    EXPECT_NE(c.error().message.find(expected), std::string::npos)
        << "wanted: " << expected << "\ngot: " << c.error().message;
}

TEST(AuditConfig, EachProblemNamesFileLineAndField) {
    expect_problem("[audit]\ncertified_ca_spki_sha256 = [\"abcd\"]\n",
                   "dk.toml:13: audit.certified_ca_spki_sha256: 'abcd' is not a SHA-256");
    expect_problem("[audit]\ncertified_ca_spki_sha256 = [\"" + std::string(63, 'a') + "g\"]\n",
                   "dk.toml:13: audit.certified_ca_spki_sha256:");
    expect_problem("[audit]\ncertified_ca_spki_sha256 = \"" + ca_a + "\"\n",
                   "dk.toml:13: audit.certified_ca_spki_sha256: must be an array of strings");
    expect_problem("[audit]\nrrsig_warn_days = 0\n",
                   "dk.toml:13: audit.rrsig_warn_days: must be between 1 and 365");
    expect_problem("[audit]\nmax_tlsa_records = 101\n",
                   "dk.toml:13: audit.max_tlsa_records: must be between 1 and 100");
    expect_problem("[audit]\nrrsig_warn_dayz = 3\n",
                   "dk.toml:13: audit.rrsig_warn_dayz: unknown key");
    auto c = parse_config("audit = 5\n" + base, "dk.toml");  // before any table
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("dk.toml:1: audit: must be a table"), std::string::npos)
        << c.error().message;
}

}  // namespace
}  // namespace dk::config

namespace dk::config {
namespace {

TEST(MetricsConfig, ReadsListenAndFile) {
    auto c = parse_config(
        base + "[metrics]\nlisten = \"127.0.0.1:9464\"\nfile = \"/var/lib/node/dk.prom\"\n",
        "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->metrics.listen->to_string(), "127.0.0.1:9464");
    EXPECT_EQ(*c->metrics.file, "/var/lib/node/dk.prom");
    EXPECT_FALSE(parse_config(base, "dk.toml")->metrics.listen.has_value());
}

TEST(MetricsConfig, EachProblemNamesFileLineAndField) {
    expect_problem("[metrics]\nlisten = \"127.0.0.1\"\n",
                   "dk.toml:13: metrics.listen: needs a port");
    expect_problem("[metrics]\nlisten = \"localhost:9464\"\n",
                   "dk.toml:13: metrics.listen: 'localhost' is not an IP address");
    expect_problem("[metrics]\nlisten = \"127.0.0.1:99999\"\n", "dk.toml:13: metrics.listen:");
    expect_problem("[metrics]\nfile = \"dk.prom\"\n",
                   "dk.toml:13: metrics.file: must be an absolute path");
    expect_problem("[metrics]\nport = 9464\n", "dk.toml:13: metrics.port: unknown key");
}

TEST(MetricsConfig, WildcardListenIsAWarningNotAProblem) {
    for (const char* listen : {"0.0.0.0:9464", "[::]:9464", "[0:0::0]:9464"}) {
        auto c = parse_config(base + "[metrics]\nlisten = \"" + listen + "\"\n", "dk.toml");
        ASSERT_TRUE(c.ok()) << listen << ": " << c.error().message;
        const auto warning = metrics_listen_warning(*c);
        ASSERT_TRUE(warning.has_value()) << listen;
        EXPECT_NE(warning->find("every address"), std::string::npos) << *warning;
    }
    for (const char* listen : {"127.0.0.1:9464", "[::1]:9464", "192.0.2.7:9464"}) {
        auto c = parse_config(base + "[metrics]\nlisten = \"" + listen + "\"\n", "dk.toml");
        ASSERT_TRUE(c.ok()) << listen << ": " << c.error().message;
        EXPECT_FALSE(metrics_listen_warning(*c).has_value()) << listen;
    }
    EXPECT_FALSE(metrics_listen_warning(*parse_config(base, "dk.toml")).has_value());
}

}  // namespace
}  // namespace dk::config
