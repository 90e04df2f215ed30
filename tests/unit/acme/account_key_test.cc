#include "acme/account_key.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acme/jwk.h"

namespace dk::acme {
namespace {

class AccountKey : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_NE(::mkdtemp(dir_.data()), nullptr); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_ = "/tmp/dk-acme-key-XXXXXX";
};

TEST_F(AccountKey, CreatedOnce0600AndLoadedAgain) {
    const std::string path = dir_ + "/account.key";
    auto first = load_or_create_account_key(path);
    ASSERT_TRUE(first.ok()) << first.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto again = load_or_create_account_key(path);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*jwk_thumbprint(*public_jwk(**first)), *jwk_thumbprint(*public_jwk(**again)));
}

TEST_F(AccountKey, ReadableByOthersIsRefused) {
    const std::string path = dir_ + "/account.key";
    ASSERT_TRUE(load_or_create_account_key(path).ok());
    ::chmod(path.c_str(), 0644);
    auto loaded = load_or_create_account_key(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
}

// How often `path` is opened while `load` runs (inotify counts every open of the file).
template <typename Load>
int opens_while(const std::string& path, Load load) {
    const int watcher = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (watcher < 0) return -1;
    // Closes watched too: inotify merges an event into an identical one still unread, so two
    // opens in a row would read as one.
    if (::inotify_add_watch(watcher, path.c_str(), IN_OPEN | IN_CLOSE) < 0) {
        ::close(watcher);
        return -1;
    }
    load();
    int opens = 0;
    alignas(inotify_event) char events[4096];
    for (ssize_t n; (n = ::read(watcher, events, sizeof events)) > 0;) {
        for (ssize_t at = 0; at < n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(events + at);
            if ((event->mask & IN_OPEN) != 0) ++opens;
            at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
        }
    }
    ::close(watcher);
    return opens;
}

// The secret is checked (no symlink, regular, owner, mode) on the descriptor it is read from:
// opened once, so nothing can be swapped in between a check and a read by path.
TEST_F(AccountKey, CheckedAndReadThroughOneOpen) {
    const std::string path = dir_ + "/account.key";
    ASSERT_TRUE(load_or_create_account_key(path).ok());
    EXPECT_EQ(opens_while(path, [&] { ASSERT_TRUE(load_or_create_account_key(path).ok()); }), 1);
    const std::string eab = dir_ + "/eab.key";
    std::ofstream(eab) << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n";
    ::chmod(eab.c_str(), 0600);
    EXPECT_EQ(opens_while(eab, [&] { ASSERT_TRUE(load_eab_key(eab).ok()); }), 1);
}

TEST_F(AccountKey, SymlinkIsRefusedNamingIt) {
    const std::string real = dir_ + "/real.key";
    ASSERT_TRUE(load_or_create_account_key(real).ok());
    const std::string path = dir_ + "/account.key";
    ASSERT_EQ(::symlink(real.c_str(), path.c_str()), 0);
    auto loaded = load_or_create_account_key(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(loaded.error().message.rfind(path + ":", 0), 0u) << loaded.error().message;
}

TEST_F(AccountKey, OwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the file away";
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr) GTEST_SKIP() << "no user nobody";
    const std::string path = dir_ + "/account.key";
    ASSERT_TRUE(load_or_create_account_key(path).ok());
    ASSERT_EQ(::chown(path.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
    auto loaded = load_or_create_account_key(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
    EXPECT_NE(loaded.error().message.find("owned by uid " + std::to_string(nobody->pw_uid)),
              std::string::npos)
        << loaded.error().message;
}

TEST_F(AccountKey, EabKeyFile) {
    const std::string path = dir_ + "/eab.key";
    std::ofstream(path) << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n";
    ::chmod(path.c_str(), 0600);
    auto key = load_eab_key(path);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->size(), 32u);
    EXPECT_EQ((*key)[31], 31);
    std::ofstream(path) << "not base64url!";
    EXPECT_FALSE(load_eab_key(path).ok());
}

}  // namespace
}  // namespace dk::acme
