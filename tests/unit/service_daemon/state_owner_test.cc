// Verbs run as root act only as the owner of state_dir: open_runtime, through which every verb
// that opens the state goes (run, daemon, adopt, rollover, hook deliver, status), becomes that
// user before it reads a secret, takes the lock or writes anything. A real
// unprivileged user (nobody), in a child process that gives up root for good.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "service/runtime/runtime.h"

namespace dk::service {
namespace {

class StateOwnerTest : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root";
        nobody_ = ::getpwnam("nobody");
        if (nobody_ == nullptr) GTEST_SKIP() << "no user nobody";
        char tmpl[] = "/tmp/dk-owner-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
        state_ = dir_ + "/state";
        ASSERT_EQ(::mkdir(state_.c_str(), 0700), 0);
        ASSERT_EQ(::chown(state_.c_str(), nobody_->pw_uid, nobody_->pw_gid), 0);
        // The owner's own TSIG key, as in production (secret files belong to the user acting).
        const std::string key = dir_ + "/tsig.key";
        std::ofstream(key) << "key \"dk\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
        ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
        ASSERT_EQ(::chown(key.c_str(), nobody_->pw_uid, nobody_->pw_gid), 0);
        config_ = dir_ + "/dk.toml";
        std::ofstream(config_) << "state_dir = \"" << state_ << R"("
[[zone]]
name = "example.net"
primary = "192.0.2.53"
tsig_key_file = ")" << key << R"("
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/c.pem"
key_file = "/k.pem"
issue_command = ["/bin/true", "{csr}"]
)";
        ASSERT_EQ(::chmod(config_.c_str(), 0644), 0);
    }
    void TearDown() override {
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }

    // Opens the runtime in a child; its exit code says what it became (see the expectation).
    int open_in_child(Locking locking) const {
        const pid_t child = ::fork();
        if (child == 0) {
            auto rt = open_runtime(config_, locking);
            if (!rt.ok()) {
                std::fprintf(stderr, "%s\n", rt.error().message.c_str());
                ::_exit(10);
            }
            if (::geteuid() != nobody_->pw_uid || ::getegid() != nobody_->pw_gid) ::_exit(11);
            ::_exit(::setuid(0) == 0 ? 12 : 0);
        }
        int status = 0;
        if (::waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
        return WEXITSTATUS(status);
    }
    // What in state_dir is not the owner's.
    std::string not_owned() const {
        std::string found;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(state_)) {
            struct stat st {};
            if (::lstat(entry.path().c_str(), &st) == 0 && st.st_uid != nobody_->pw_uid)
                found += entry.path().string() + " ";
        }
        return found;
    }

    const passwd* nobody_ = nullptr;
    std::string dir_;
    std::string state_;
    std::string config_;
};

TEST_F(StateOwnerTest, LockHolderRunAsRootBecomesTheOwner) {
    EXPECT_EQ(open_in_child(Locking::exclusive), 0)
        << "10: refused, 11: not nobody, 12: could become root again";
    EXPECT_EQ(not_owned(), "");
    EXPECT_TRUE(std::filesystem::exists(state_ + "/state.db"));
}

TEST_F(StateOwnerTest, RequestWriterRunAsRootBecomesTheOwner) {
    EXPECT_EQ(open_in_child(Locking::read_only), 0)
        << "10: refused, 11: not nobody, 12: could become root again";
    EXPECT_EQ(not_owned(), "");
}

TEST_F(StateOwnerTest, ReaderRunAsRootBecomesTheOwner) {
    EXPECT_EQ(open_in_child(Locking::reader), 0)
        << "10: refused, 11: not nobody, 12: could become root again";
}

}  // namespace
}  // namespace dk::service
