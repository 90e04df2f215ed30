// The daemon's sleep between passes: a stop and continue (SIGSTOP/SIGCONT, a cgroup freeze, a
// debugger or strace attaching) must not end it, or the daemon makes a pass nothing is due for.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "service/daemon/daemon.h"

namespace dk::service {
namespace {

using std::chrono::milliseconds;

// Forks a child that waits `wait` for SIGTERM; the parent stops and continues it meanwhile. The
// child's exit code: 0 when it waited out the whole time, 1 when it returned early, 2 on SIGTERM.
int child_wait_exit_code(Seconds wait, bool send_term) {
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    const pid_t child = ::fork();
    if (child == 0) {
        pthread_sigmask(SIG_BLOCK, &term, nullptr);
        const auto start = std::chrono::steady_clock::now();
        const int sig = wait_for_signal(term, wait);
        if (sig == SIGTERM) ::_exit(2);
        ::_exit(std::chrono::steady_clock::now() - start >= wait - milliseconds(100) ? 0 : 1);
    }
    std::this_thread::sleep_for(milliseconds(200));
    ::kill(child, SIGSTOP);
    std::this_thread::sleep_for(milliseconds(50));
    ::kill(child, SIGCONT);
    if (send_term) {
        std::this_thread::sleep_for(milliseconds(100));
        ::kill(child, SIGTERM);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(WaitForSignal, StopAndContinueDoNotEndTheSleep) {
    EXPECT_EQ(child_wait_exit_code(Seconds{2}, false), 0);
}

TEST(WaitForSignal, ASignalAfterAStopStillEndsIt) {
    EXPECT_EQ(child_wait_exit_code(Seconds{10}, true), 2);
}

}  // namespace
}  // namespace dk::service
