// The key vault and hook delivery with real certificates: chains from issue_command and
// `hook deliver` must verify to the slot's roots and end within the bound.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/files.h"
#include "cert/keys.h"
#include "service/keys/delivery.h"
#include "service/keys/file_key_vault.h"
#include "test_ca.h"

namespace dk::service {
namespace {

using std::chrono::hours;
using testing::issue_chain;
using testing::LeafSpec;
using testing::make_ca;
using testing::self_signed;
using testing::TestCa;

const hours day{24};

class VaultTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-vault-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_EQ(::mkdir((dir_ + "/served").c_str(), 0755), 0);
        ASSERT_EQ(::mkdir((dir_ + "/state").c_str(), 0700), 0);
        roots_ = dir_ + "/roots.pem";
        std::ofstream(roots_) << ca_.pem;
        slot_.name = "mx";
        slot_.endpoints = {{"mx1.example.net", 25}, {"mx2.example.net", 25}};
        slot_.cert_file = dir_ + "/served/chain.pem";
        slot_.key_file = dir_ + "/served/key.pem";
        slot_.certificates = "hook";
        slot_.issuer_ca_file = roots_;
        auto made = vault().generate_key("mx", now_);
        ASSERT_TRUE(made.ok()) << made.error().message;
        key_ = *made;
        auto pem = files::read_limited(vault().key_path(key_.id));
        ASSERT_TRUE(pem.ok());
        pkey_ = std::move(cert::parse_private_key_pem(*pem, "key").value());
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    FileKeyVault vault() { return FileKeyVault(dir_ + "/state", slot_); }
    LeafSpec valid_for(hours life) const {
        return {{"mx1.example.net", "mx2.example.net"}, now_ - day, now_ + life};
    }
    engine::SlotState state_with_current(TimePoint cert_not_after) const {
        engine::SlotState s;
        s.slot = "mx";
        s.current = key_;
        s.current_cert_not_after = cert_not_after;
        return s;
    }

    TimePoint now_ = std::chrono::system_clock::now();
    TestCa ca_ = make_ca("vault test CA");
    std::string dir_;
    std::string roots_;
    config::SlotConfig slot_;
    engine::SlotKey key_;
    ossl::EvpPkeyPtr pkey_;
};

TEST_F(VaultTest, ChainFromTheSlotsRootsIsTaken) {
    const auto checked = vault().check_chain_for_key(issue_chain(ca_, *pkey_, valid_for(90 * day)),
                                                     key_, "chain.pem");
    EXPECT_TRUE(checked.ok()) << checked.error().message;
}

TEST_F(VaultTest, SelfSignedChainIsRefusedInOneLine) {
    const auto checked =
        vault().check_chain_for_key(self_signed(*pkey_, valid_for(90 * day)), key_, "chain.pem");
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().kind, ErrorKind::check_failed);
    EXPECT_EQ(checked.error().message,
              "chain.pem: the chain does not verify to " + roots_ + ": self-signed certificate");
}

TEST_F(VaultTest, ChainFromAnotherCaIsRefused) {
    const TestCa other = make_ca("another CA");
    const auto checked = vault().check_chain_for_key(
        issue_chain(other, *pkey_, valid_for(90 * day)), key_, "chain.pem");
    ASSERT_FALSE(checked.ok());
    EXPECT_NE(checked.error().message.find("does not verify to " + roots_), std::string::npos)
        << checked.error().message;
}

TEST_F(VaultTest, CertificateValidForACenturyIsRefused) {
    LeafSpec spec = valid_for(day);
    spec.not_after = from_unix_seconds(4'923'504'000);  // 2126-01-08
    const auto checked =
        vault().check_chain_for_key(issue_chain(ca_, *pkey_, spec), key_, "chain.pem");
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().kind, ErrorKind::check_failed);
    EXPECT_NE(checked.error().message.find("valid until 2126-01-08"), std::string::npos)
        << checked.error().message;
    // 398 days is what a public CA may issue: taken.
    EXPECT_TRUE(
        vault()
            .check_chain_for_key(issue_chain(ca_, *pkey_, valid_for(398 * day)), key_, "chain.pem")
            .ok());
}

TEST_F(VaultTest, IssueCommandChainIsVerifiedToo) {
    slot_.certificates = "command";
    EXPECT_FALSE(
        vault()
            .check_chain_for_key(self_signed(*pkey_, valid_for(90 * day)), key_, "chain.pem")
            .ok());
}

TEST_F(VaultTest, UnreadableRootsAreBadInput) {
    slot_.issuer_ca_file = dir_ + "/no-such-roots.pem";
    const auto checked = vault().check_chain_for_key(issue_chain(ca_, *pkey_, valid_for(90 * day)),
                                                     key_, "chain.pem");
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().kind, ErrorKind::bad_input) << checked.error().message;
}

TEST_F(VaultTest, HookDeliverRefusesASelfSignedChain) {
    const std::string chain = self_signed(*pkey_, valid_for(90 * day));
    const auto key_pem = cert::private_key_pem(*pkey_);
    const auto checked = check_delivery(state_with_current(now_ + 30 * day), vault(), chain,
                                        "chain.pem", *key_pem, "key.pem");
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    EXPECT_EQ(checked->decision.verdict, engine::DeliveryVerdict::refuse);
    EXPECT_EQ(checked->decision.reason,
              "chain.pem: the chain does not verify to " + roots_ + ": self-signed certificate");
}

TEST_F(VaultTest, HookDeliverRenewsOverAStoredCenturyLongCertificate) {
    // Adopted (or taken before the bound) and valid to 2126: a normal renewal still gets through.
    const auto checked = check_delivery(state_with_current(from_unix_seconds(4'923'504'000)),
                                        vault(), issue_chain(ca_, *pkey_, valid_for(90 * day)),
                                        "chain.pem", std::nullopt, "");
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    EXPECT_EQ(checked->decision.verdict, engine::DeliveryVerdict::renew_current)
        << checked->decision.reason;
}

}  // namespace
}  // namespace dk::service
