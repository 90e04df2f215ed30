// base64url without padding (RFC 4648 section 5, as JOSE uses it: RFC 7515 section 2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/hex.h"

namespace dk::acme {

std::string base64url(std::span<const std::uint8_t> data);
inline std::string base64url(std::string_view text) {
    return base64url(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// Strict: only the URL-safe alphabet, no padding, no whitespace, no impossible length or
// non-zero trailing bits. nullopt otherwise.
std::optional<Bytes> from_base64url(std::string_view text);

}  // namespace dk::acme
