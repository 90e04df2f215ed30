// File access with the safety rules of the project: bounded reads, atomic 0600 writes,
// secret files that must not be readable by group or others.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/unique_fd.h"

namespace dk::files {

inline constexpr std::size_t default_max_bytes = 1024 * 1024;  // 1 MiB: certificates, keys, configs

// A regular file open for reading, and its size: what every bounded read starts with. Refused
// (bad_input naming the path): missing or unreadable, not a regular file (a FIFO or a device is
// refused at once, never waited on), over max_bytes.
struct OpenedFile {
    UniqueFd fd;
    std::size_t size = 0;
    mode_t mode = 0;  // permission bits of the file opened (not of what the path names later)
    uid_t owner = 0;
};
Result<OpenedFile> open_bounded(const std::string& path, std::size_t max_bytes);

// The whole content of a file open_bounded opened; path names it in errors.
Result<std::string> read_opened(const OpenedFile& file, const std::string& path);

// Reads a whole regular file; refuses files over max_bytes with a bad_input error naming the path.
Result<std::string> read_limited(const std::string& path,
                                 std::size_t max_bytes = default_max_bytes);

enum class Overwrite { no, yes };

// Writes temp file in the same directory, fsync, then rename (Overwrite::yes) or link
// (Overwrite::no: fails if the target exists), then fsyncs the directory.
Status write_atomic(const std::string& path, std::string_view data, mode_t mode,
                    Overwrite overwrite);

// The same for data made in pieces (a signed zone of a hundred megabytes is never held whole):
// produce(write) calls write(piece) as often as it likes; a failure of either leaves no file.
using PieceWriter = std::function<Status(std::string_view piece)>;
Status write_atomic_pieces(const std::string& path, mode_t mode, Overwrite overwrite,
                           const std::function<Status(const PieceWriter& write)>& produce);

// write_atomic (overwriting) of a file other users read through its group: the temp file gets
// the mode and group before it is renamed into place, so a reader never meets it unreadable.
Status write_atomic_for_group(const std::string& path, std::string_view data, mode_t mode,
                              std::optional<gid_t> group);

// The id of the named group; nullopt when there is none.
std::optional<gid_t> group_id(const std::string& name);

// Makes the directory's entries (a rename, a new name) durable.
Status fsync_directory(const std::string& dir);

// Permission bits as chmod takes them: "0640".
std::string mode_text(mode_t mode);

// A secret file (TSIG key, private key, account key) must be a regular file of the running user
// or root, not accessible by group or others, and not a symbolic link (another user could point
// it elsewhere). Checked on the opened descriptor (O_NOFOLLOW, then fstat), so no one can swap the
// file between the check and the read. Returns bad_input naming the path (and mode or owner).
Status check_secret_permissions(const std::string& path);

// Reads a secret file whole after those checks. The caller wipes the text (OPENSSL_cleanse) once
// it has parsed it.
Result<std::string> read_secret(const std::string& path, std::size_t max_bytes);

}  // namespace dk::files
