// The watchdog pings while the loop sleeps or a pass is young, and stops once a pass has run
// longer than the stall bound (systemd then restarts the daemon).
#include "service/daemon/watchdog.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "base/unique_fd.h"

namespace dk::service {
namespace {

using namespace std::chrono_literals;

class WatchdogTest : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string name = "dk-watchdog-test-" + std::to_string(::getpid());
        socket_ = UniqueFd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::memcpy(a.sun_path + 1, name.data(), name.size());  // abstract: a leading NUL
        const auto length =
            static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
        ASSERT_EQ(::bind(socket_.get(), reinterpret_cast<sockaddr*>(&a), length), 0);
        ::setenv("NOTIFY_SOCKET", ("@" + name).c_str(), 1);
    }
    void TearDown() override { ::unsetenv("NOTIFY_SOCKET"); }

    // How many WATCHDOG=1 arrived since the last call.
    int pings() {
        int n = 0;
        char buffer[64];
        ssize_t got = 0;
        while ((got = ::recv(socket_.get(), buffer, sizeof buffer, MSG_DONTWAIT)) > 0) {
            EXPECT_EQ(std::string(buffer, static_cast<std::size_t>(got)), "WATCHDOG=1");
            ++n;
        }
        return n;
    }

    UniqueFd socket_;
};

TEST_F(WatchdogTest, PingsWhileTheLoopSleepsOrAPassIsYoung) {
    Watchdog watchdog(20ms, 60s);
    std::this_thread::sleep_for(300ms);
    EXPECT_GE(pings(), 2);  // every 20 ms; a loaded machine may delay some
    watchdog.pass_started();
    std::this_thread::sleep_for(300ms);
    EXPECT_GE(pings(), 2);  // every 20 ms; a loaded machine may delay some
}

TEST_F(WatchdogTest, APassBeyondTheStallBoundStopsThePings) {
    Watchdog watchdog(20ms, 0s);
    watchdog.pass_started();
    std::this_thread::sleep_for(60ms);
    pings();  // one may have been on its way
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(pings(), 0);
    watchdog.pass_ended();
    std::this_thread::sleep_for(300ms);
    EXPECT_GE(pings(), 2);  // every 20 ms; a loaded machine may delay some
}

}  // namespace
}  // namespace dk::service
