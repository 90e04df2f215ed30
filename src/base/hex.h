#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dk {

using Bytes = std::vector<std::uint8_t>;

// Lower case, two digits a byte.
void append_hex(std::string& out, std::string_view bytes);
std::string to_hex(const std::uint8_t* data, std::size_t size);
inline std::string to_hex(const Bytes& bytes) {
    return to_hex(bytes.data(), bytes.size());
}

// 0-15 for a hex digit of either case, -1 for any other character.
int hex_digit_value(char c);

// Accepts upper or lower case; whitespace is skipped (zone files split long hex). nullopt when
// a character is not hex or the digit count is odd.
std::optional<Bytes> from_hex(std::string_view text);

}  // namespace dk
