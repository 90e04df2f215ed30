#include "base/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/unique_fd.h"

namespace dk::files {

Result<MappedFile> MappedFile::open(const std::string& path, std::size_t max_bytes) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY));
    if (fd.get() < 0) {
        const auto kind =
            errno == ENOENT || errno == EACCES ? ErrorKind::bad_input : ErrorKind::environment;
        return Error{kind, path + ": cannot open: " + std::strerror(errno)};
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
        return Error::environment(path + ": stat failed: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return Error::bad_input(path + ": not a regular file");
    const auto size = static_cast<std::size_t>(st.st_size);
    if (size > max_bytes) {
        return Error::bad_input(path + ": file too large (" + std::to_string(size) +
                                " bytes, limit " + std::to_string(max_bytes) + ")");
    }
    if (size == 0) return MappedFile();
    // MAP_POPULATE: the pages are mapped now, in one go, not by a fault per page later.
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
    if (data == MAP_FAILED)
        return Error::environment(path + ": mmap failed: " + std::strerror(errno));
    return MappedFile(static_cast<const char*>(data), size);
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
    if (this != &other) {
        MappedFile old(std::move(*this));
        data_ = std::exchange(other.data_, nullptr);
        size_ = std::exchange(other.size_, 0);
    }
    return *this;
}

MappedFile::~MappedFile() {
    // const_cast: munmap takes a non-const pointer; the mapping was never written.
    if (data_ != nullptr) ::munmap(const_cast<char*>(data_), size_);
}

}  // namespace dk::files
