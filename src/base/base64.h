// Base64 (RFC 4648): the padded standard alphabet of DNSKEY, RRSIG, TSIG secrets and BIND key
// files (section 4), and unpadded base64url as JOSE uses it (section 5, RFC 7515 section 2).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/hex.h"

namespace dk {

void append_base64(std::string& out, std::string_view bytes);
std::string base64(std::string_view bytes);

// Whether text is padded base64: a non-empty multiple of four characters of the standard
// alphabet, with at most two '=' and only at the end.
bool is_base64(std::string_view text);

// Decodes padded base64 (no white space inside) onto the end of `out`; false when it is not
// base64 (then `out` may hold a partial result).
bool append_base64_decoded(std::string& out, std::string_view text);

std::string base64url(std::span<const std::uint8_t> data);
inline std::string base64url(std::string_view text) {
    return base64url(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// Strict: only the URL-safe alphabet, no padding, no whitespace, no impossible length or
// non-zero trailing bits. nullopt otherwise.
std::optional<Bytes> from_base64url(std::string_view text);

}  // namespace dk
