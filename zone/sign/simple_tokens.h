// Internal to the fast record parser: whitespace tokens and the small conversions it needs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/hex.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// Up to 32 whitespace-separated tokens; false when there are more.
struct Tokens {
    std::array<std::string_view, 32> items;
    std::size_t count = 0;
};

inline bool split(std::string_view line, Tokens& t) {
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && is_space(line[i])) ++i;
        if (i >= line.size()) break;
        std::size_t j = i;
        while (j < line.size() && !is_space(line[j])) ++j;
        if (t.count == t.items.size()) return false;
        t.items[t.count++] = line.substr(i, j - i);
        i = j;
    }
    return true;
}

inline bool equals_nocase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char c = a[i];
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
        if (c != b[i]) return false;
    }
    return true;
}

inline bool parse_number(std::string_view s, std::uint64_t max, std::uint64_t& out) {
    if (s.empty() || s.size() > 10) return false;
    std::uint64_t v = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (v > max) return false;
    out = v;
    return true;
}

inline bool append_hex_tokens(const Tokens& t, std::size_t from, std::string& out) {
    std::size_t digits = 0;
    int high = -1;
    for (std::size_t i = from; i < t.count; ++i) {
        for (const char c : t.items[i]) {
            const int v = hex_digit_value(c);
            if (v < 0) return false;
            if (high < 0) {
                high = v;
            } else {
                out.push_back(static_cast<char>(high * 16 + v));
                high = -1;
            }
            ++digits;
        }
    }
    return digits > 0 && high < 0;
}

// Token text as base64 bytes (tokens from..end concatenated); false when it is not base64.
bool append_base64_tokens(const Tokens& t, std::size_t from, std::string& out);

// A type mnemonic ("A", "tlsa", "TYPE65534") as its number; 0 when unknown.
std::uint16_t type_from_name(std::string_view name);

// An RRSIG time: YYYYMMDDHHmmSS or seconds since 1970 (RFC 4034 3.2).
bool parse_rrsig_time(std::string_view text, std::uint32_t& out);

// RRSIG, NSEC, NSEC3, NSEC3PARAM, DNSKEY, CDNSKEY, DS, CDS written plainly; false otherwise.
bool parse_dnssec_rdata(std::string_view type, const Tokens& t, std::size_t at,
                        const WireName& origin, Record& out);

}  // namespace dk::zone::sign
