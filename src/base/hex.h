#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dk {

using Bytes = std::vector<std::uint8_t>;

std::string to_hex(const std::uint8_t* data, std::size_t size);  // lower case
inline std::string to_hex(const Bytes& bytes) {
    return to_hex(bytes.data(), bytes.size());
}

// Accepts upper or lower case; whitespace is skipped (zone files split long hex). nullopt when
// a character is not hex or the digit count is odd.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace dk
