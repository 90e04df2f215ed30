// sd_notify without libsystemd: datagrams reach a socket named by path or by abstract name,
// exactly as sent; the watchdog interval is half of WATCHDOG_USEC, for this process only.
#include "base/sd_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>
#include <string>

#include "base/unique_fd.h"

namespace dk::sd {
namespace {

// A datagram socket bound to `name` ("/path" or "@abstract"), as systemd listens.
UniqueFd listen_on(const std::string& name) {
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name[0] == '@') a.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                               (name[0] == '@' ? 0 : 1));
    EXPECT_EQ(::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), length), 0) << std::strerror(errno);
    return fd;
}

std::string receive(int fd) {
    char buffer[256];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
    return n < 0 ? "(nothing)" : std::string(buffer, static_cast<std::size_t>(n));
}

TEST(SdNotify, ReachesASocketByPath) {
    const std::string path = "/tmp/dk-notify-" + std::to_string(::getpid());
    ::unlink(path.c_str());  // a run killed before its clean-up
    const UniqueFd fd = listen_on(path);
    ASSERT_TRUE(notify_to(path.c_str(), "READY=1").ok());
    EXPECT_EQ(receive(fd.get()), "READY=1");
    ASSERT_TRUE(notify_to(path.c_str(), "WATCHDOG=1").ok());
    EXPECT_EQ(receive(fd.get()), "WATCHDOG=1");
    ::unlink(path.c_str());
}

TEST(SdNotify, ReachesAnAbstractSocket) {
    const std::string name = "@dk-notify-test-" + std::to_string(::getpid());
    const UniqueFd fd = listen_on(name);
    ASSERT_TRUE(notify_to(name.c_str(), "STOPPING=1").ok());
    EXPECT_EQ(receive(fd.get()), "STOPPING=1");
}

TEST(SdNotify, NoSocketIsNothingToDoAndABadOneIsAnError) {
    EXPECT_TRUE(notify_to(nullptr, "READY=1").ok());
    EXPECT_TRUE(notify_to("", "READY=1").ok());
    EXPECT_FALSE(notify_to("relative/socket", "READY=1").ok());
    EXPECT_FALSE(notify_to(("/" + std::string(200, 'x')).c_str(), "READY=1").ok());
    EXPECT_FALSE(notify_to("/nonexistent/notify", "READY=1").ok());
}

TEST(SdNotify, WatchdogIntervalIsHalfTheTimeoutForThisProcess) {
    EXPECT_EQ(watchdog_interval("2000000", nullptr), std::chrono::microseconds(1000000));
    const std::string me = std::to_string(::getpid());
    EXPECT_EQ(watchdog_interval("60000000", me.c_str()), std::chrono::microseconds(30000000));
    EXPECT_EQ(watchdog_interval("60000000", "1"), std::nullopt);  // another process's
    EXPECT_EQ(watchdog_interval(nullptr, nullptr), std::nullopt);
    EXPECT_EQ(watchdog_interval("0", nullptr), std::nullopt);
    EXPECT_EQ(watchdog_interval("-5", nullptr), std::nullopt);
    EXPECT_EQ(watchdog_interval("10s", nullptr), std::nullopt);
}

}  // namespace
}  // namespace dk::sd
