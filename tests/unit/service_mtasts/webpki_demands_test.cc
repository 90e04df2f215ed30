// Which endpoints MTA-STS senders authenticate by WebPKI (the rollover refuses chains that fail
// them): SMTP on port 25 whose host an mx pattern of the served policy covers, while the mode is
// enforce; testing ones only when asked (the lint); none without a served policy. And the
// Content-Type senders accept (RFC 8461 section 3.3).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "service/mtasts/policy_fetch.h"
#include "service/mtasts/policy_keeper.h"

namespace dk::service {
namespace {

class WebPkiDemandsTest : public ::testing::Test {
  protected:
    WebPkiDemandsTest() {
        dir_ = std::filesystem::temp_directory_path() /
               ("dk-mtasts-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir_);
    }
    ~WebPkiDemandsTest() override { std::filesystem::remove_all(dir_); }

    config::Config config_with(const std::string& mode) {
        const std::string text = "state_dir = \"" + dir_.string() +
                                 "\"\n[dns]\nresolver = \"127.0.0.1:53\"\n[[zone]]\n"
                                 "name = \"example.net\"\nprimary = \"192.0.2.53:53\"\n"
                                 "tsig_key_file = \"/etc/dk/k.key\"\nmta_sts_mode = \"" +
                                 mode + "\"\nmta_sts_policy_file = \"" + policy_path() +
                                 "\"\nmta_sts_ca_bundle = \"/etc/dk/roots.pem\"\n[[key]]\n"
                                 "name = \"mx\"\nendpoints = [\"mx1.example.net:25\", "
                                 "\"mx1.example.net:465\", \"mx9.example.net:25\", "
                                 "\"a.mx.example.net:25\"]\ncert_file = \"/etc/dk/c.pem\"\n"
                                 "key_file = \"/etc/dk/k.pem\"\nissue_command = [\"/bin/true\"]\n";
        auto c = config::parse_config(text, "dk.toml");
        EXPECT_TRUE(c.ok()) << c.error().message;
        return *c;
    }
    void serve_policy(const std::string& text) { std::ofstream(policy_path()) << text; }
    [[nodiscard]] std::string policy_path() const { return (dir_ / "mta-sts.txt").string(); }

    std::filesystem::path dir_;
    const TimePoint now = from_unix_seconds(1'800'000'000);
};

TEST_F(WebPkiDemandsTest, EnforceCoversTheMatchedSmtpEndpointsOnly) {
    serve_policy(
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.example.net\r\nmx: *.mx.example.net\r\n"
        "max_age: 86400\r\n");
    const auto c = config_with("enforce");
    const auto demands = webpki_demands(c, c.slots.at(0), now);
    ASSERT_EQ(demands.size(), 2u);
    EXPECT_EQ(demands[0].endpoint, "mx1.example.net:25");
    EXPECT_EQ(demands[0].host, "mx1.example.net");
    EXPECT_EQ(demands[0].why, "example.net's MTA-STS policy is enforce");
    EXPECT_NE(demands[0].fix.find("mta_sts_mode = \"testing\""), std::string::npos);
    EXPECT_EQ(demands[0].ca_bundle, "/etc/dk/roots.pem");
    EXPECT_EQ(demands[1].endpoint, "a.mx.example.net:25");  // the wildcard, one label
}

TEST_F(WebPkiDemandsTest, TestingDemandsOnlyWhenAskedForTheLint) {
    serve_policy("version: STSv1\r\nmode: testing\r\nmx: mx1.example.net\r\nmax_age: 86400\r\n");
    const auto c = config_with("testing");
    EXPECT_TRUE(webpki_demands(c, c.slots.at(0), now).empty());
    const auto lint = webpki_demands(c, c.slots.at(0), now, MtaStsScope::testing_too);
    ASSERT_EQ(lint.size(), 1u);
    EXPECT_NE(lint[0].why.find("is testing"), std::string::npos);
}

TEST_F(WebPkiDemandsTest, NoServedPolicyNoDemand) {
    const auto c = config_with("enforce");
    EXPECT_TRUE(webpki_demands(c, c.slots.at(0), now).empty());  // nothing written yet
    serve_policy("not a policy");
    EXPECT_TRUE(webpki_demands(c, c.slots.at(0), now).empty());
}

TEST(PolicyContentType, TextPlainWithParametersOnly) {
    EXPECT_TRUE(text_plain("text/plain"));
    EXPECT_TRUE(text_plain("Text/Plain; charset=utf-8"));
    EXPECT_FALSE(text_plain("text/html"));
    EXPECT_FALSE(text_plain("text/plainx"));
    EXPECT_FALSE(text_plain(""));
}

}  // namespace
}  // namespace dk::service
