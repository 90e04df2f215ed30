#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "db/state_lock.h"

namespace dk::db {
namespace {

class StateLockTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-lock-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
};

TEST_F(StateLockTest, SecondLockInTheSameProcessIsRefused) {
    const std::string state = dir_ + "/state";
    auto first = StateLock::acquire(state);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = StateLock::acquire(state);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().kind, ErrorKind::environment);
    EXPECT_EQ(second.error().message, "another danekeeper holds " + state +
                                          "/danekeeper.lock (pid " + std::to_string(::getpid()) +
                                          ")");
}

TEST_F(StateLockTest, OneInstancePerStateDir) {
    const std::string state = dir_ + "/state";
    auto first = StateLock::acquire(state);
    ASSERT_TRUE(first.ok()) << first.error().message;
    const pid_t child = ::fork();
    if (child == 0) {
        auto second = StateLock::acquire(state);
        ::_exit(!second.ok() &&
                        second.error().message.find("another danekeeper holds") != std::string::npos
                    ? 0
                    : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st {};
    ASSERT_EQ(::stat(state.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(StateLockTest, LockIsFreeAgainAfterRelease) {
    const std::string state = dir_ + "/state";
    {
        auto first = StateLock::acquire(state);
        ASSERT_TRUE(first.ok());
    }
    EXPECT_TRUE(StateLock::acquire(state).ok());
}

TEST_F(StateLockTest, RefusesAnOpenStateDir) {
    const std::string state = dir_ + "/open";
    ::mkdir(state.c_str(), 0755);
    ::chmod(state.c_str(), 0755);
    auto lock = StateLock::acquire(state);
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.error().kind, ErrorKind::bad_input);
}

TEST_F(StateLockTest, ChildHoldingTheLockBlocksTheParent) {
    const std::string state = dir_ + "/state";
    int ready[2];
    int done[2];
    ASSERT_EQ(::pipe(ready), 0);
    ASSERT_EQ(::pipe(done), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(done[1]);  // so a parent that gives up early still ends this child (EOF)
        auto lock = StateLock::acquire(state);
        const char c = lock.ok() ? 'y' : 'n';
        (void)::write(ready[1], &c, 1);
        char wait_for_parent = 0;
        (void)::read(done[0], &wait_for_parent, 1);
        ::_exit(0);
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ASSERT_EQ(c, 'y');
    auto held = StateLock::acquire(state);
    ASSERT_FALSE(held.ok());
    EXPECT_NE(held.error().message.find("(pid " + std::to_string(child) + ")"), std::string::npos)
        << held.error().message;
    (void)::write(done[1], "x", 1);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(StateLock::acquire(state).ok());  // the child's exit released it
    for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

// The daemon is found through the lock it holds, whatever binary it runs: a child that holds the
// lock and says it is the daemon is found; a holder that is not the daemon (run --once, adopt)
// and a file naming a daemon that no longer holds the lock are not.
TEST_F(StateLockTest, RunningDaemonIsTheHolderThatSaysSo) {
    const std::string state = dir_ + "/state";
    int ready[2];
    int done[2];
    ASSERT_EQ(::pipe(ready), 0);
    ASSERT_EQ(::pipe(done), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(done[1]);
        auto lock = StateLock::acquire(state);
        char c = lock.ok() ? 'y' : 'n';
        (void)::write(ready[1], &c, 1);  // holding, not yet the daemon
        char step = 0;
        (void)::read(done[0], &step, 1);
        c = lock.ok() && lock->announce_daemon().ok() ? 'y' : 'n';
        (void)::write(ready[1], &c, 1);
        (void)::read(done[0], &step, 1);
        ::_exit(0);
    }
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ASSERT_EQ(c, 'y');
    EXPECT_EQ(StateLock::running_daemon(state), std::nullopt);
    (void)::write(done[1], "x", 1);
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ASSERT_EQ(c, 'y');
    EXPECT_EQ(StateLock::running_daemon(state), std::optional<pid_t>(child));
    (void)::write(done[1], "x", 1);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    // The file still names the daemon, but nobody holds the lock.
    EXPECT_EQ(StateLock::running_daemon(state), std::nullopt);
    std::ofstream(state + "/danekeeper.lock") << "1234 daemon";
    EXPECT_EQ(StateLock::running_daemon(state), std::nullopt);
    for (int fd : {ready[0], ready[1], done[0], done[1]}) ::close(fd);
}

}  // namespace
}  // namespace dk::db
