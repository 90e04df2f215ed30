// The service manager's notification protocol (sd_notify(3)) without libsystemd: one datagram
// per message to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for an abstract
// socket), and the watchdog interval systemd asks for in $WATCHDOG_USEC.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "base/result.h"

namespace dk::sd {

// Sends `state` ("READY=1", "WATCHDOG=1", "STOPPING=1", ...) to `socket_name`; nothing to do
// (ok) when it is null or empty, as when no service manager listens.
Status notify_to(const char* socket_name, std::string_view state);

// notify_to($NOTIFY_SOCKET, state).
Status notify(std::string_view state);

// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, when it is set and $WATCHDOG_PID is
// unset or names this process; nullopt when no watchdog is asked for.
std::optional<std::chrono::microseconds> watchdog_interval(const char* watchdog_usec,
                                                           const char* watchdog_pid);
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace dk::sd
