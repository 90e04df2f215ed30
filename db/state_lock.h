// One running instance per state directory: an exclusive flock held for the process lifetime.
// The lock file names its holder ("PID", or "PID daemon" once the holder is the daemon), so the
// verbs can wake a running daemon without asking what binary it runs (a package upgrade replaces
// that binary under it).
#pragma once

#include <sys/types.h>

#include <optional>
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

    // The pid of the danekeeper daemon holding STATE_DIR's lock, if one does: the lock file
    // names it as the daemon and the kernel's lock table shows that pid holding the flock on that
    // very file (not a stale pid, nor a recycled one).
    static std::optional<pid_t> running_daemon(const std::string& state_dir);

    // Marks the holder as the daemon: the one that takes SIGHUP as "look again".
    Status announce_daemon();

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
