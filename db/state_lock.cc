#include "db/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace dk::db {
namespace {

constexpr const char* daemon_mark = " daemon";

std::string lock_path(const std::string& state_dir) {
    return state_dir + "/danekeeper.lock";
}

// Whether /proc/locks shows `pid` holding a flock on the inode `ino`. Lines read
// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; a waiter's reads "1: -> FLOCK ...". The
// device is not compared: overlay file systems report it differently in stat and in that table.
bool holds_flock(pid_t pid, ino_t ino) {
    std::ifstream table("/proc/locks");
    std::string line;
    for (int n = 0; n < 100000 && std::getline(table, line); ++n) {
        std::istringstream fields(line);
        std::string id, type, mode, access, holder, device_inode;
        fields >> id >> type >> mode >> access >> holder >> device_inode;
        if (type != "FLOCK" || holder != std::to_string(pid)) continue;
        const auto colon = device_inode.rfind(':');
        if (colon != std::string::npos &&
            device_inode.substr(colon + 1) == std::to_string(static_cast<unsigned long>(ino)))
            return true;
    }
    return false;
}

}  // namespace

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
    const std::string path = lock_path(state_dir);
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Error::environment(path + ": cannot open: " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        char holder[32] = {};
        const ssize_t n = ::pread(fd, holder, sizeof holder - 1, 0);
        ::close(fd);
        const long holder_pid = n > 0 ? std::strtol(holder, nullptr, 10) : 0;
        const std::string pid = holder_pid > 0 ? std::to_string(holder_pid) : "unknown";
        return Error::environment("another danekeeper holds " + path + " (pid " + pid + ")");
    }
    const std::string me = std::to_string(::getpid());
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, me.data(), me.size(), 0) < 0) {
        ::close(fd);
        return Error::environment(path + ": cannot record our pid: " + std::strerror(errno));
    }
    return StateLock(fd);
}

Status StateLock::announce_daemon() {
    const std::string text = std::to_string(::getpid()) + daemon_mark;
    if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size()))
        return Error::environment("cannot mark the state lock as the daemon's: " +
                                  std::string(std::strerror(errno)));
    return {};
}

std::optional<pid_t> StateLock::running_daemon(const std::string& state_dir) {
    const int fd = ::open(lock_path(state_dir).c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return std::nullopt;
    char text[64] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    struct stat st {};
    const bool stated = ::fstat(fd, &st) == 0;
    ::close(fd);
    if (n <= 0 || !stated) return std::nullopt;
    char* end = nullptr;
    const long pid = std::strtol(text, &end, 10);
    if (pid <= 1 || pid == ::getpid() || std::string_view(end) != daemon_mark) return std::nullopt;
    if (!holds_flock(static_cast<pid_t>(pid), st.st_ino)) return std::nullopt;
    return static_cast<pid_t>(pid);
}

StateLock::~StateLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace dk::db
