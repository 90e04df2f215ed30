#include "base/mapped_file.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/files.h"

namespace dk::files {

Result<MappedFile> MappedFile::open(const std::string& path, std::size_t max_bytes) {
    DK_TRY(OpenedFile file, open_bounded(path, max_bytes));
    const std::size_t size = file.size;
    if (size == 0) return MappedFile();
    // MAP_POPULATE: the pages are mapped now, in one go, not by a fault per page later.
    void* data = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd.get(), 0);
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
