// Who a verb acts as: run as root, the owner of state_dir (a real unprivileged user, nobody).
#include "base/privileges.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "base/files.h"

namespace dk {
namespace {

// Run as root, a verb acts as the owner of state_dir: what it writes there is the daemon's. A real
// unprivileged user (nobody), in a child process that gives up root for good.
TEST(ActAsOwnerOf, RootBecomesTheOwnerOfStateDir) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr) GTEST_SKIP() << "no user nobody";
    char tmpl[] = "/tmp/dk-owner-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const std::string state = std::string(tmpl) + "/state";
    ASSERT_EQ(::mkdir(state.c_str(), 0700), 0);
    ASSERT_EQ(::chown(state.c_str(), nobody->pw_uid, nobody->pw_gid), 0);
    ASSERT_EQ(::chmod(tmpl, 0755), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (!privileges::act_as_owner_of(state).ok()) ::_exit(10);
        if (::geteuid() != nobody->pw_uid || ::getegid() != nobody->pw_gid) ::_exit(11);
        if (!files::write_atomic(state + "/written", "x", 0600, files::Overwrite::yes).ok())
            ::_exit(12);
        ::_exit(::setuid(0) == 0 ? 13 : 0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: refused, 11: not nobody, 12: cannot write, 13: root";
    struct stat st {};
    ASSERT_EQ(::stat((state + "/written").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, nobody->pw_uid);
    std::filesystem::remove_all(tmpl);
}

TEST(ActAsOwnerOf, RootOwnedStateDirKeepsRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    char tmpl[] = "/tmp/dk-owner-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    EXPECT_TRUE(privileges::act_as_owner_of(tmpl).ok());
    EXPECT_EQ(::geteuid(), 0u);
    std::filesystem::remove_all(tmpl);
}

// A directory chowned to the user alone keeps root's group: the process takes the user's own.
TEST(ActAsOwnerOf, NeverKeepsTheRootGroup) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    const passwd* nobody = ::getpwnam("nobody");
    if (nobody == nullptr || nobody->pw_gid == 0) GTEST_SKIP() << "no user nobody";
    char tmpl[] = "/tmp/dk-owner-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    ASSERT_EQ(::chown(tmpl, nobody->pw_uid, 0), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (!privileges::act_as_owner_of(tmpl).ok()) ::_exit(10);
        gid_t groups[4] = {};
        const int count = ::getgroups(4, groups);
        if (::getegid() != nobody->pw_gid || ::getgid() != nobody->pw_gid) ::_exit(11);
        ::_exit(count == 1 && groups[0] == nobody->pw_gid ? 0 : 12);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "10: refused, 11: root's group, 12: other groups";
    std::filesystem::remove_all(tmpl);
}

TEST(ActAsOwnerOf, MissingDirKeepsRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    EXPECT_TRUE(privileges::act_as_owner_of("/nonexistent/dk-state").ok());
    EXPECT_EQ(::geteuid(), 0u);
}

}  // namespace
}  // namespace dk
