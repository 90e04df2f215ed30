#include "base/sd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/unique_fd.h"

namespace dk::sd {
namespace {

// A decimal number that fills the text, or nullopt.
std::optional<unsigned long long> number(const char* text) {
    if (text == nullptr || *text == '\0') return std::nullopt;
    errno = 0;
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || *text == '-') return std::nullopt;
    return value;
}

}  // namespace

Status notify_to(const char* socket_name, std::string_view state) {
    if (socket_name == nullptr || *socket_name == '\0') return {};
    const std::string name = socket_name;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.size() >= sizeof address.sun_path || (name[0] != '/' && name[0] != '@'))
        return Error::bad_input("NOTIFY_SOCKET '" + name +
                                "': not an absolute path or @abstract name that fits");
    std::memcpy(address.sun_path, name.data(), name.size());
    // An abstract name starts with a NUL byte and is exactly as long as given (no terminator).
    if (name[0] == '@') address.sun_path[0] = '\0';
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() +
                                               (name[0] == '@' ? 0 : 1));
    UniqueFd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0)
        return Error::environment(std::string("notify socket: ") + std::strerror(errno));
    const ssize_t sent = ::sendto(fd.get(), state.data(), state.size(), MSG_NOSIGNAL,
                                  reinterpret_cast<const sockaddr*>(&address), length);
    if (sent != static_cast<ssize_t>(state.size()))
        return Error::environment("NOTIFY_SOCKET " + name + ": " + std::strerror(errno));
    return {};
}

Status notify(std::string_view state) {
    return notify_to(std::getenv("NOTIFY_SOCKET"), state);
}

std::optional<std::chrono::microseconds> watchdog_interval(const char* watchdog_usec,
                                                           const char* watchdog_pid) {
    const auto usec = number(watchdog_usec);
    if (!usec || *usec == 0) return std::nullopt;
    if (watchdog_pid != nullptr &&
        number(watchdog_pid) != static_cast<unsigned long long>(::getpid()))
        return std::nullopt;
    return std::chrono::microseconds(static_cast<long long>(*usec / 2));
}

std::optional<std::chrono::microseconds> watchdog_interval() {
    return watchdog_interval(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"));
}

}  // namespace dk::sd
