// A regular file mapped read-only, for reading a big file in place (the previous signed zone,
// a hundred megabytes) instead of copying it into memory first. Unmapped on destruction.
// A file replaced by rename stays readable through the mapping; one truncated in place would not
// be, so map only files that are replaced atomically.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::files {

class MappedFile {
  public:
    // Refuses (bad_input) a missing file, one that is not regular, one over max_bytes.
    static Result<MappedFile> open(const std::string& path, std::size_t max_bytes);

    MappedFile() = default;
    MappedFile(MappedFile&& other) noexcept;
    MappedFile& operator=(MappedFile&& other) noexcept;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile();

    [[nodiscard]] std::string_view text() const { return {data_, size_}; }

  private:
    MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
    const char* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace dk::files
