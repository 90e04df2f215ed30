#include "db/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace dk::db {

Status check_state_dir(const std::string& state_dir) {
    struct stat st {};
    if (::stat(state_dir.c_str(), &st) != 0) {
        if (errno == ENOENT) return {};  // made 0700 by the first verb that takes the lock
        return Error::environment(state_dir + ": " + std::strerror(errno));
    }
    if (!S_ISDIR(st.st_mode)) return Error::bad_input(state_dir + ": state_dir is not a directory");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return Error::bad_input(state_dir +
                                ": state directory is accessible by group or others (mode " + mode +
                                "); chmod 700 it");
    }
    return {};
}

Result<StateLock> StateLock::acquire(const std::string& state_dir) {
    if (::mkdir(state_dir.c_str(), 0700) != 0 && errno != EEXIST) {
        return Error::environment(state_dir +
                                  ": cannot create state directory: " + std::strerror(errno));
    }
    DK_TRY_STATUS(check_state_dir(state_dir));
    const std::string path = state_dir + "/danekeeper.lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error::environment(path + ": cannot open: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        const std::string pid =
            n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "unknown";
        return Error::environment("another danekeeper holds " + path + " (pid " + pid + ")");
    }
    const std::string me = std::to_string(::getpid());
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
        ::close(fd);
        return Error::environment(path + ": cannot record our pid: " + std::strerror(errno));
    }
    return StateLock(fd);
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace dk::db
