// The key vault and hook delivery with real certificates: chains from issue_command and
// `hook deliver` must verify to the slot's roots and end within the bound.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "base/files.h"
#include "base/unique_fd.h"
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

// An ACME CA's chain was verified to [acme] issuer_ca_file by the issuer; the bound on its life
// holds for it all the same: one accepted far-future certificate would block every renewal.
TEST_F(VaultTest, AcmeCertificateValidForACenturyIsRefused) {
    slot_.certificates = "acme";
    LeafSpec spec = valid_for(day);
    spec.not_after = from_unix_seconds(4'923'504'000);  // 2126-01-08
    const auto checked =
        vault().check_chain_for_key(issue_chain(ca_, *pkey_, spec), key_, "ACME certificate");
    ASSERT_FALSE(checked.ok());
    EXPECT_EQ(checked.error().kind, ErrorKind::check_failed);
    EXPECT_EQ(checked.error().message,
              "ACME certificate: the certificate is valid until 2126-01-08T00:00:00Z, more than "
              "399 days from now (no public CA issues for longer than 398 days)");
    EXPECT_TRUE(vault()
                    .check_chain_for_key(issue_chain(ca_, *pkey_, valid_for(398 * day)), key_,
                                         "ACME certificate")
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

// Deployment: the served key and chain switch together; a fault while writing them leaves the
// pair served before, never the new key with the old chain.
class DeployTest : public VaultTest {
  protected:
    void SetUp() override {
        VaultTest::SetUp();
        slot_.certificates = "command";
        slot_.combined_file = dir_ + "/served/combined.pem";
        ASSERT_EQ(::mkdir((dir_ + "/chains").c_str(), 0755), 0);
        slot_.cert_file = dir_ + "/chains/chain.pem";
        old_ = key_;
        deploy_with_chain(old_, *pkey_);
        old_key_ = read(slot_.key_file);
        old_chain_ = read(slot_.cert_file);
        auto made = vault().generate_key("mx", now_);
        ASSERT_TRUE(made.ok()) << made.error().message;
        new_ = *made;
        new_pkey_ =
            std::move(cert::parse_private_key_pem(read(vault().key_path(new_.id)), "key").value());
        auto stored =
            vault().store_chain(new_, issue_chain(ca_, *new_pkey_, valid_for(90 * day)), "new");
        ASSERT_TRUE(stored.ok()) << stored.error().message;
    }
    void TearDown() override {
        if (immutable_) set_immutable(slot_.cert_file, false);
        if (mounted_) ::umount(mount_.c_str());
        VaultTest::TearDown();
    }

    static std::string read(const std::string& path) {
        auto text = files::read_limited(path);
        return text.ok() ? *text : "(" + text.error().message + ")";
    }
    void deploy_with_chain(const engine::SlotKey& key, EVP_PKEY& pkey) {
        auto stored = vault().store_chain(key, issue_chain(ca_, pkey, valid_for(90 * day)), "c");
        ASSERT_TRUE(stored.ok()) << stored.error().message;
        auto deployed = vault().deploy("mx", key);
        ASSERT_TRUE(deployed.ok()) << deployed.error().message;
    }
    static bool set_immutable(const std::string& path, bool on) {
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        int flags = 0;
        if (fd.get() < 0 || ::ioctl(fd.get(), FS_IOC_GETFLAGS, &flags) != 0) return false;
        flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
        return ::ioctl(fd.get(), FS_IOC_SETFLAGS, &flags) == 0;
    }
    void expect_old_pair_served() const {
        EXPECT_EQ(read(slot_.key_file), old_key_) << "the served key changed";
        EXPECT_EQ(read(slot_.cert_file), old_chain_) << "the served chain changed";
        EXPECT_EQ(read(*slot_.combined_file), old_key_ + old_chain_);
        for (const auto& path : {slot_.key_file, slot_.cert_file, *slot_.combined_file}) {
            EXPECT_NE(::access((path + ".dk-new").c_str(), F_OK), 0) << path << " staged file left";
            EXPECT_NE(::access((path + ".dk-old").c_str(), F_OK), 0) << path << " kept file left";
        }
    }

    engine::SlotKey old_;
    engine::SlotKey new_;
    ossl::EvpPkeyPtr new_pkey_;
    std::string old_key_;
    std::string old_chain_;
    std::string mount_;
    bool mounted_ = false;
    bool immutable_ = false;
};

TEST_F(DeployTest, KeyChainAndCombinedFileSwitchTogether) {
    auto deployed = vault().deploy("mx", new_);
    ASSERT_TRUE(deployed.ok()) << deployed.error().message;
    const std::string key = read(vault().key_path(new_.id));
    const std::string chain = read(vault().chain_path(new_.id));
    EXPECT_EQ(read(slot_.key_file), key);
    EXPECT_EQ(read(slot_.cert_file), chain);
    EXPECT_EQ(read(*slot_.combined_file), key + chain);
    for (const auto& path : {slot_.key_file, slot_.cert_file, *slot_.combined_file})
        EXPECT_NE(::access((path + ".dk-old").c_str(), F_OK), 0) << path;
}

// Hosts over SSH come after the local files: every host is tried, and one that fails fails the
// deployment, naming it, so the engine records nothing and runs it again.
TEST_F(DeployTest, EveryHostIsTriedAndAFailedOneFailsTheDeploymentNamingIt) {
    for (const char* name : {"mx2", "mx3"}) {
        config::RemoteHostConfig host;
        host.name = name;
        host.ssh_user = "dk";
        host.ssh_address = "127.0.0.1";
        host.port = 1;  // nothing listens: refused at once
        host.identity_file = dir_ + "/id";
        host.known_hosts = dir_ + "/known_hosts";
        host.key_file = "/srv/" + std::string(name) + "/key.pem";
        host.cert_file = "/srv/" + std::string(name) + "/chain.pem";
        host.connect_timeout = 2;
        host.command_timeout = 10;
        slot_.remote_hosts.push_back(host);
    }
    auto deployed = vault().deploy("mx", new_);
    ASSERT_FALSE(deployed.ok());
    EXPECT_EQ(deployed.error().kind, ErrorKind::environment);
    const std::string& why = deployed.error().message;
    EXPECT_NE(why.find("deploy to 2 of 2 hosts failed: host mx2 (dk@127.0.0.1 port 1): ssh failed"),
              std::string::npos)
        << why;
    EXPECT_NE(why.find("; host mx3 (dk@127.0.0.1 port 1): ssh failed"), std::string::npos) << why;
    EXPECT_TRUE(why.ends_with("; nothing is retired")) << why;
    // The local files are deployed as before.
    EXPECT_EQ(read(slot_.key_file), read(vault().key_path(new_.id)));
}

TEST_F(DeployTest, FullDiskUnderTheChainLeavesThePairServedBefore) {
    // The chain's directory on a small file system, filled up after the first deployment.
    mount_ = dir_ + "/chains";
    const std::string chain = old_chain_;
    std::filesystem::remove_all(mount_);
    ASSERT_EQ(::mkdir(mount_.c_str(), 0755), 0);
    if (::mount("tmpfs", mount_.c_str(), "tmpfs", 0, "size=16k") != 0)
        GTEST_SKIP() << "cannot mount a tmpfs here (needs root): " << std::strerror(errno);
    mounted_ = true;
    ASSERT_TRUE(files::write_atomic(slot_.cert_file, chain, 0644, files::Overwrite::yes).ok());
    {
        std::ofstream filler(mount_ + "/filler");
        const std::string block(1024, 'x');
        for (int i = 0; i < 64 && filler; ++i) filler << block << std::flush;
    }
    auto deployed = vault().deploy("mx", new_);
    ASSERT_FALSE(deployed.ok());
    EXPECT_NE(deployed.error().message.find("nothing changed"), std::string::npos)
        << deployed.error().message;
    expect_old_pair_served();
}

TEST_F(DeployTest, ChainThatCannotBeReplacedLeavesThePairServedBefore) {
    // An immutable chain file (chattr +i): even root cannot replace it.
    if (!set_immutable(slot_.cert_file, true))
        GTEST_SKIP() << "no immutable flag on this file system: " << std::strerror(errno);
    immutable_ = true;
    auto deployed = vault().deploy("mx", new_);
    ASSERT_FALSE(deployed.ok());
    set_immutable(slot_.cert_file, false);
    immutable_ = false;
    expect_old_pair_served();
}

}  // namespace
}  // namespace dk::service
