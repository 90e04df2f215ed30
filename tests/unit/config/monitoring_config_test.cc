// The [monitoring] table (staleness thresholds, the status snapshot) and the [log] table (the
// event log's retention): defaults, every key, each problem as FILE:LINE: FIELD.
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
)";  // 11 lines: the table under test starts on line 12

TEST(MonitoringConfig, DefaultsWithoutTheTables) {
    auto c = parse_config(base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->monitoring.run_interval_seconds, 3600);
    EXPECT_EQ(c->monitoring.stale_warning_factor, 2);
    EXPECT_EQ(c->monitoring.stale_critical_factor, 6);
    EXPECT_FALSE(c->monitoring.status_file.has_value());
    EXPECT_EQ(c->log.retention_days, 0);
    EXPECT_EQ(c->log.retention_rows, 0);
}

TEST(MonitoringConfig, ReadsEveryKey) {
    auto c = parse_config(base +
                              "[monitoring]\nrun_interval_seconds = 300\nstale_warning_factor = 3\n"
                              "stale_critical_factor = 3\nstatus_file = \"/run/dk/status.json\"\n"
                              "status_file_group = \"nagios\"\n"
                              "[log]\nretention_days = 90\nretention_rows = 5000\n",
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->monitoring.run_interval_seconds, 300);
    EXPECT_EQ(c->monitoring.stale_warning_factor, 3);
    EXPECT_EQ(c->monitoring.stale_critical_factor, 3);
    EXPECT_EQ(c->monitoring.status_file, "/run/dk/status.json");
    EXPECT_EQ(c->monitoring.status_file_group, "nagios");
    EXPECT_EQ(c->log.retention_days, 90);
    EXPECT_EQ(c->log.retention_rows, 5000);
}

void expect_problem(const std::string& table, const std::string& expected) {
    auto c = parse_config(base + table, "dk.toml");
    ASSERT_FALSE(c.ok()) << table;
    EXPECT_NE(c.error().message.find(expected), std::string::npos)
        << "wanted: " << expected << "\ngot: " << c.error().message;
}

TEST(MonitoringConfig, ATableIsATable) {
    auto c = parse_config("monitoring = 5\n" + base, "dk.toml");
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("dk.toml:1: monitoring: must be a table"), std::string::npos)
        << c.error().message;
}

TEST(MonitoringConfig, EachProblemNamesFileLineAndField) {
    expect_problem("[monitoring]\nrun_interval_seconds = 10\n",
                   "dk.toml:13: monitoring.run_interval_seconds: must be between 60 and 86400");
    expect_problem("[monitoring]\nstale_warning_factor = 4\nstale_critical_factor = 3\n",
                   "dk.toml:14: monitoring.stale_critical_factor: must be at least "
                   "stale_warning_factor (4)");
    expect_problem("[monitoring]\nstatus_file = \"/var/lib/dk/status.json\"\n",
                   "dk.toml:13: monitoring.status_file: '/var/lib/dk/status.json' is inside "
                   "state_dir /var/lib/dk, which no other user can enter");
    expect_problem("[monitoring]\nstatus_file = \"status.json\"\n",
                   "dk.toml:13: monitoring.status_file:");
    expect_problem("[monitoring]\nstatus_file_group = \"nagios\"\n",
                   "dk.toml:13: monitoring.status_file_group: needs status_file");
    expect_problem("[monitoring]\nstale_factor = 2\n", "dk.toml:13: monitoring.stale_factor:");
    expect_problem("[log]\nretention_days = -1\n",
                   "dk.toml:13: log.retention_days: must be between 0 and 36500");
    expect_problem("[log]\nretention = 5\n", "dk.toml:13: log.retention:");
}

}  // namespace
}  // namespace dk::config
