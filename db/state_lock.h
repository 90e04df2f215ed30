// One running instance per state directory: an exclusive flock held for the process lifetime.
#pragma once

#include <string>

#include "base/result.h"

namespace dk::db {

// An existing state_dir must be a directory that neither group nor others can access; a missing
// one passes (StateLock::acquire makes it).
Status check_state_dir(const std::string& state_dir);

class StateLock {
  public:
    // Creates the state dir (0700) if missing, refuses one that group or others can access, and
    // takes STATE_DIR/danekeeper.lock, or names the pid that holds it.
    static Result<StateLock> acquire(const std::string& state_dir);

    StateLock(StateLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    StateLock& operator=(StateLock&&) = delete;
    StateLock(const StateLock&) = delete;
    StateLock& operator=(const StateLock&) = delete;
    ~StateLock();

  private:
    explicit StateLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace dk::db
