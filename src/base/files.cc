#include "base/files.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "base/unique_fd.h"

namespace dk::files {
namespace {

std::string errno_text() {
    return std::strerror(errno);
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string temp_name_for(const std::string& path) {
    std::random_device rd;
    char suffix[32];
    std::snprintf(suffix, sizeof suffix, ".tmp.%08x", rd());
    return path + suffix;
}

Status write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::environment(path + ": write failed: " + errno_text());
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

}  // namespace

Status fsync_directory(const std::string& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0) return Error::environment(dir + ": cannot open directory: " + errno_text());
    if (::fsync(fd.get()) != 0) return Error::environment(dir + ": fsync failed: " + errno_text());
    return {};
}

namespace {

Result<OpenedFile> open_regular(const std::string& path, std::size_t max_bytes, int extra_flags) {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer forever; it is refused below
    // as not a regular file. For a regular file the flag changes nothing.
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | extra_flags));
    if (fd.get() < 0) {
        if (errno == ELOOP && (extra_flags & O_NOFOLLOW) != 0)
            return Error::bad_input(path + ": is a symbolic link; a secret file must not be one");
        const auto kind =
            errno == ENOENT || errno == EACCES ? ErrorKind::bad_input : ErrorKind::environment;
        return Error{kind, path + ": cannot open: " + errno_text()};
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Error::environment(path + ": stat failed: " + errno_text());
    if (!S_ISREG(st.st_mode)) return Error::bad_input(path + ": not a regular file");
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        return Error::bad_input(path + ": file too large (" + std::to_string(st.st_size) +
                                " bytes, limit " + std::to_string(max_bytes) + ")");
    }
    return OpenedFile{std::move(fd), static_cast<std::size_t>(st.st_size),
                      static_cast<mode_t>(st.st_mode & 07777), st.st_uid};
}

Result<OpenedFile> open_secret(const std::string& path, std::size_t max_bytes) {
    DK_TRY(OpenedFile file, open_regular(path, max_bytes, O_NOFOLLOW));
    if ((file.mode & (S_IRWXG | S_IRWXO)) != 0) {
        return Error::bad_input(path + ": secret file is accessible by group or others (mode " +
                                mode_text(file.mode) + "); chmod 600 it");
    }
    if (file.owner != ::geteuid() && file.owner != 0) {
        return Error::bad_input(path + ": secret file is owned by uid " +
                                std::to_string(file.owner) + ", not by this user (uid " +
                                std::to_string(::geteuid()) + ") or root");
    }
    return file;
}

}  // namespace

Result<OpenedFile> open_bounded(const std::string& path, std::size_t max_bytes) {
    return open_regular(path, max_bytes, 0);
}

Result<std::string> read_limited(const std::string& path, std::size_t max_bytes) {
    DK_TRY(const OpenedFile file, open_bounded(path, max_bytes));
    return read_opened(file, path);
}

Result<std::string> read_opened(const OpenedFile& file, const std::string& path) {
    std::string content;
    content.resize(file.size);
    std::size_t filled = 0;
    while (filled < content.size()) {
        const ssize_t n = ::read(file.fd.get(), content.data() + filled, content.size() - filled);
        if (n < 0) {
            if (errno == EINTR) continue;
            return Error::environment(path + ": read failed: " + errno_text());
        }
        if (n == 0) break;
        filled += static_cast<std::size_t>(n);
    }
    content.resize(filled);
    return content;
}

Status write_atomic(const std::string& path, std::string_view data, mode_t mode,
                    Overwrite overwrite) {
    return write_atomic_pieces(path, mode, overwrite,
                               [data](const PieceWriter& write) { return write(data); });
}

Status write_atomic_pieces(const std::string& path, mode_t mode, Overwrite overwrite,
                           const std::function<Status(const PieceWriter& write)>& produce) {
    const std::string dir = directory_of(path);
    const std::string temp = temp_name_for(path);
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return Error::environment(temp + ": cannot create: " + errno_text());
    // The umask may have narrowed the mode; set it exactly.
    if (::fchmod(fd.get(), mode) != 0) {
        ::unlink(temp.c_str());
        return Error::environment(temp + ": chmod failed: " + errno_text());
    }
    // Big outputs are handed to the disk while more is made (asynchronous writeback of each
    // 8 MiB written), so the fsync at the end waits for the last part only, not the whole file.
    constexpr off_t writeback_step = off_t{8} << 20;
    off_t written = 0;
    off_t handed = 0;
    const PieceWriter write = [&](std::string_view piece) -> Status {
        DK_TRY_STATUS(write_all(fd.get(), piece, temp));
        written += static_cast<off_t>(piece.size());
        if (written - handed >= writeback_step) {
            // Only a hint: a failure here shows in the fsync.
            (void)::sync_file_range(fd.get(), handed, written - handed, SYNC_FILE_RANGE_WRITE);
            handed = written;
        }
        return {};
    };
    if (auto s = produce(write); !s.ok()) {
        ::unlink(temp.c_str());
        return s;
    }
    if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
        ::unlink(temp.c_str());
        return Error::environment(temp + ": fsync/close failed: " + errno_text());
    }
    if (overwrite == Overwrite::yes) {
        if (::rename(temp.c_str(), path.c_str()) != 0) {
            const std::string why = errno_text();
            ::unlink(temp.c_str());
            return Error::environment(path + ": rename failed: " + why);
        }
    } else {
        const int rc = ::link(temp.c_str(), path.c_str());
        const int saved = errno;
        ::unlink(temp.c_str());
        if (rc != 0) {
            if (saved == EEXIST)
                return Error::bad_input(path + ": already exists, not overwritten");
            return Error::environment(path + ": cannot create: " + std::strerror(saved));
        }
    }
    return fsync_directory(dir);
}

std::string mode_text(mode_t mode) {
    char text[8];
    std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
    return text;
}

Status check_secret_permissions(const std::string& path) {
    DK_TRY_STATUS(open_secret(path, default_max_bytes));
    return {};
}

Result<std::string> read_secret(const std::string& path, std::size_t max_bytes) {
    DK_TRY(const OpenedFile file, open_secret(path, max_bytes));
    return read_opened(file, path);
}

Status write_atomic_for_group(const std::string& path, std::string_view data, mode_t mode,
                              std::optional<gid_t> group) {
    const std::string temp = temp_name_for(path);
    UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
    if (fd.get() < 0) return Error::environment(temp + ": cannot create: " + errno_text());
    Status written;
    if (group && ::fchown(fd.get(), static_cast<uid_t>(-1), *group) != 0)
        written = Error::environment(temp + ": cannot give it group " + std::to_string(*group) +
                                     ": " + errno_text());
    else if (::fchmod(fd.get(), mode) != 0)  // after fchown, which may clear bits; umask too
        written = Error::environment(temp + ": chmod failed: " + errno_text());
    else
        written = write_all(fd.get(), data, temp);
    if (written.ok() && (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0))
        written = Error::environment(temp + ": fsync/close failed: " + errno_text());
    if (written.ok() && ::rename(temp.c_str(), path.c_str()) != 0)
        written = Error::environment(path + ": rename failed: " + errno_text());
    if (!written.ok()) {
        ::unlink(temp.c_str());
        return written;
    }
    return fsync_directory(directory_of(path));
}

std::optional<gid_t> group_id(const std::string& name) {
    std::vector<char> buffer(16384);
    group entry{};
    group* found = nullptr;
    if (::getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 ||
        found == nullptr)
        return std::nullopt;
    return found->gr_gid;
}

}  // namespace dk::files
