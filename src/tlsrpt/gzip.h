// gzip (RFC 1952) inflated with zlib, bounded: reports come gzipped (RFC 8460 section 5.3).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::tlsrpt {

inline bool looks_gzipped(std::string_view bytes) {
    return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
           static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// The inflated bytes of one gzip member (bad input: "gzip: ..." when the input is not gzip, is
// truncated, fails its CRC, is over max_compressed bytes, or inflates past max_inflated bytes).
Result<std::string> gunzip(std::string_view compressed, std::size_t max_compressed,
                           std::size_t max_inflated);

// gzip of `bytes` (tests and the fuzz target build reports with it).
std::string gzip(std::string_view bytes);

}  // namespace dk::tlsrpt
