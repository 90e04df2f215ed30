// The type bit maps of NSEC and NSEC3 (RFC 4034 4.1.2): window blocks of up to 32 bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dk::zone::sign {

// `types` sorted ascending, no duplicates.
std::string encode_type_bitmap(const std::vector<std::uint16_t>& types);
void append_type_bitmap(std::string& out, const std::vector<std::uint16_t>& types);

// The types in a bit map, ascending; empty for a malformed map.
std::vector<std::uint16_t> decode_type_bitmap(std::string_view bitmap);
// The same into `types` (kept allocated between calls); false and empty for a malformed map.
bool decode_type_bitmap(std::string_view bitmap, std::vector<std::uint16_t>& types);

}  // namespace dk::zone::sign
