#include "base/process.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace dk {
namespace {

using Clock = std::chrono::steady_clock;

// A process that is gone, or a zombie nobody reaped yet (in a container pid 1 may never reap
// it), no longer runs.
bool still_runs(const std::string& pid_text) {
    std::ifstream stat("/proc/" + pid_text + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const auto paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
}

std::string status_line(const std::string& status, const std::string& field) {
    std::istringstream lines(status);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(field + ":", 0) == 0) return line.substr(field.size() + 1);
    }
    return "(missing)";
}

TEST(Process, RunsWithArgvAndCapturesOutput) {
    auto r = process::run({.argv = {"/bin/echo", "a b", "$HOME"}});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exit_code, 0);
    EXPECT_EQ(r->out, "a b $HOME\n");  // no shell: nothing expanded
}

TEST(Process, PassesOnlyCleanEnvironmentPlusOurs) {
    ::setenv("DK_SHOULD_NOT_LEAK", "1", 1);
    auto r = process::run({.argv = {"/usr/bin/env"}, .env = {{"DANEKEEPER_SLOT", "mx"}}});
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->out.find("DANEKEEPER_SLOT=mx"), std::string::npos);
    EXPECT_EQ(r->out.find("DK_SHOULD_NOT_LEAK"), std::string::npos);
}

TEST(Process, ReportsExitCodeAndStderr) {
    auto r = process::run({.argv = {"/bin/sh", "-c", "echo oops >&2; exit 3"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_code, 3);
    EXPECT_EQ(r->err, "oops\n");
}

TEST(Process, FeedsInputOnStdinAndThenEndOfFile) {
    // Larger than a socket buffer: the input is fed while the output is read.
    std::string input(300 * 1024, 'k');
    input += "end";
    auto counted = process::run({.argv = {"/usr/bin/wc", "-c"}, .input = input});
    ASSERT_TRUE(counted.ok()) << counted.error().message;
    EXPECT_EQ(counted->exit_code, 0);
    EXPECT_EQ(counted->out, std::to_string(input.size()) + "\n");
    auto tail = process::run({.argv = {"/usr/bin/tail", "-c", "3"}, .input = input});
    ASSERT_TRUE(tail.ok()) << tail.error().message;
    EXPECT_EQ(tail->out, "end");
}

TEST(Process, WithoutInputStdinIsEmpty) {
    auto r = process::run({.argv = {"/usr/bin/wc", "-c"}});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out, "0\n");
}

TEST(Process, ProgramThatIgnoresItsInputNeitherStallsNorRaisesSigpipe) {
    const std::string input(1024 * 1024, 'x');
    auto r = process::run({.argv = {"/bin/sh", "-c", "exec 0<&-; echo done"},
                           .timeout = std::chrono::milliseconds(5000),
                           .input = input});
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exit_code, 0);
    EXPECT_EQ(r->out, "done\n");
}

TEST(Process, KillsOnTimeout) {
    auto r =
        process::run({.argv = {"/bin/sleep", "30"}, .timeout = std::chrono::milliseconds(200)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::environment);
    EXPECT_NE(r.error().message.find("killed"), std::string::npos);
}

TEST(Process, RefusesRelativeProgramAndReportsMissingOne) {
    EXPECT_EQ(process::run({.argv = {"echo"}}).error().kind, ErrorKind::bad_input);
    EXPECT_FALSE(process::run({.argv = {"/nonexistent/program"}}).ok());
}

TEST(Process, BoundsCapturedOutput) {
    auto r =
        process::run({.argv = {"/usr/bin/head", "-c", "100000", "/dev/zero"}, .max_output = 1000});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->out.size(), 1000u);
}

TEST(Process, DeadlineHoldsAfterTheChildClosesItsPipes) {
    const auto start = Clock::now();
    auto r = process::run({.argv = {"/bin/sh", "-c", "exec >&- 2>&-; sleep 8"},
                           .timeout = std::chrono::milliseconds(2000)});
    const auto took = Clock::now() - start;
    ASSERT_FALSE(r.ok()) << "a command still running at its deadline must fail";
    EXPECT_NE(r.error().message.find("killed"), std::string::npos);
    EXPECT_LT(took, std::chrono::seconds(5));  // a bound, not a benchmark
}

TEST(Process, SuccessWithBackgroundedGrandchildIsSuccessAndLeavesNothingRunning) {
    const auto start = Clock::now();
    auto r = process::run({.argv = {"/bin/sh", "-c", "sleep 30 & echo $!"},
                           .timeout = std::chrono::milliseconds(4000)});
    const auto took = Clock::now() - start;
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->exit_code, 0);
    const std::string grandchild = r->out.substr(0, r->out.find('\n'));
    ASSERT_FALSE(grandchild.empty());
    EXPECT_FALSE(still_runs(grandchild)) << "the backgrounded sleep " << grandchild << " survived";
    EXPECT_LT(took, std::chrono::seconds(3));
}

TEST(Process, TimeoutKillsTheWholeProcessGroup) {
    // The error carries no output, so the backgrounded sleep leaves its pid in a file.
    const std::string pid_file =
        ::testing::TempDir() + "dk_process_group_" + std::to_string(::getpid());
    auto r =
        process::run({.argv = {"/bin/sh", "-c", "sleep 30 & echo $! > \"$0\"; sleep 30", pid_file},
                      .timeout = std::chrono::milliseconds(1000)});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("killed"), std::string::npos);
    std::ifstream in(pid_file);
    std::string grandchild;
    ASSERT_TRUE(std::getline(in, grandchild) && !grandchild.empty());
    EXPECT_FALSE(still_runs(grandchild)) << "the backgrounded sleep " << grandchild << " survived";
    ::unlink(pid_file.c_str());
}

TEST(Process, ChildStartsWithEmptySignalMaskAndDefaultDispositions) {
    sigset_t daemon_mask;
    sigemptyset(&daemon_mask);
    sigaddset(&daemon_mask, SIGHUP);
    sigaddset(&daemon_mask, SIGINT);
    sigaddset(&daemon_mask, SIGTERM);
    sigset_t saved;
    ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &daemon_mask, &saved), 0);
    const auto saved_pipe = ::signal(SIGPIPE, SIG_IGN);
    auto r = process::run({.argv = {"/bin/cat", "/proc/self/status"}});
    ::signal(SIGPIPE, saved_pipe);
    pthread_sigmask(SIG_SETMASK, &saved, nullptr);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(status_line(r->out, "SigBlk"), "\t0000000000000000");
    EXPECT_EQ(status_line(r->out, "SigIgn"), "\t0000000000000000");
}

}  // namespace
}  // namespace dk
