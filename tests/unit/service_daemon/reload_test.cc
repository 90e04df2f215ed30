// What a SIGHUP makes of the configuration in the file (service/daemon/daemon.h decide_reload):
// the checks start-up makes, and no move of state_dir under a running daemon.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "service/daemon/daemon.h"

namespace dk::service {
namespace {

class ReloadTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-reload-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        key_ = dir_ + "/tsig.key";
        std::ofstream(key_) << "key \"dk\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
        ASSERT_EQ(::chmod(key_.c_str(), 0600), 0);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Result<config::Config> config(const std::string& state_dir, const std::string& key_file) {
        return config::parse_config(R"(state_dir = ")" + state_dir + R"("
[[zone]]
name = "example.net"
primary = "192.0.2.53"
tsig_key_file = ")" + key_file + R"("
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/c.pem"
key_file = "/k.pem"
issue_command = ["/bin/true", "{csr}"]
)",
                                    "dk.toml");
    }

    std::string dir_;
    std::string key_;
};

TEST_F(ReloadTest, TheSameStateDirWithGoodFilesIsTaken) {
    const auto running = config(dir_ + "/state", key_);
    ASSERT_TRUE(running.ok()) << running.error().message;
    const auto decision = decide_reload(*running, config(dir_ + "/state", key_));
    ASSERT_TRUE(decision.config.has_value()) << decision.why;
    EXPECT_EQ(decision.config->state_dir, dir_ + "/state");
}

TEST_F(ReloadTest, ANewStateDirIsRefused) {
    const auto running = config(dir_ + "/state", key_);
    ASSERT_TRUE(running.ok()) << running.error().message;
    const auto decision = decide_reload(*running, config(dir_ + "/elsewhere", key_));
    EXPECT_FALSE(decision.config.has_value());
    EXPECT_EQ(decision.event, "daemon.reload_refused");
    EXPECT_NE(
        decision.why.find("state_dir changed from " + dir_ + "/state to " + dir_ + "/elsewhere"),
        std::string::npos)
        << decision.why;
}

TEST_F(ReloadTest, FilesThatFailStartUpChecksFailTheReload) {
    const auto running = config(dir_ + "/state", key_);
    ASSERT_TRUE(running.ok()) << running.error().message;
    const auto decision = decide_reload(*running, config(dir_ + "/state", dir_ + "/missing.key"));
    EXPECT_FALSE(decision.config.has_value());
    EXPECT_EQ(decision.event, "daemon.reload_failed");
    EXPECT_NE(decision.why.find("tsig_key_file"), std::string::npos) << decision.why;
}

// A file in issuer_certificates that reads but is no CA certificate: the daemon keeps the
// configuration it has instead of failing every run with it.
TEST_F(ReloadTest, AnIssuerFileThatIsNoCaCertificateFailsTheReload) {
    const auto running = config(dir_ + "/state", key_);
    ASSERT_TRUE(running.ok()) << running.error().message;
    const std::string garbage = dir_ + "/r10.pem";
    std::ofstream(garbage) << "not a certificate\n";
    auto loaded = config(dir_ + "/state", key_);
    ASSERT_TRUE(loaded.ok());
    loaded->slots[0].issuer_certificates = {garbage};
    const auto decision = decide_reload(*running, std::move(loaded));
    EXPECT_FALSE(decision.config.has_value());
    EXPECT_EQ(decision.event, "daemon.reload_failed");
    EXPECT_EQ(decision.why,
              "key mx: issuer_certificates: " + garbage + ": no PEM certificate found");
}

TEST_F(ReloadTest, AnUnreadableConfigurationFailsTheReload) {
    const auto running = config(dir_ + "/state", key_);
    ASSERT_TRUE(running.ok()) << running.error().message;
    const auto decision = decide_reload(*running, Error::bad_input("dk.toml: line 1: nonsense"));
    EXPECT_FALSE(decision.config.has_value());
    EXPECT_EQ(decision.event, "daemon.reload_failed");
    EXPECT_EQ(decision.why, "dk.toml: line 1: nonsense");
}

}  // namespace
}  // namespace dk::service
