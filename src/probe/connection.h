// A TCP connection with a deadline for every operation (non-blocking socket + poll).
#pragma once

#include <chrono>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace dk::probe {

using Deadline = std::chrono::steady_clock::time_point;

class Connection {
  public:
    static Result<Connection> open(const std::string& address, std::uint16_t port,
                                   Deadline deadline);
    Connection(Connection&&) noexcept = default;
    Connection& operator=(Connection&&) = delete;

    [[nodiscard]] int fd() const { return fd_.get(); }
    Status send_all(std::string_view data, Deadline deadline);
    // Appends what arrives (at most max_bytes at a time) to `into`; error on close or timeout.
    Status receive_some(std::string& into, Deadline deadline);
    // Waits until the socket is readable (in) or writable (!in).
    Status wait(bool in, Deadline deadline);

  private:
    explicit Connection(int fd) : fd_(fd) {}
    UniqueFd fd_;
};

}  // namespace dk::probe
