#include "base/base64.h"

#include <openssl/evp.h>

#include <array>

namespace dk {
namespace {

constexpr std::string_view standard_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Three bytes to four characters; the last group short (and '='-padded when `pad`).
void encode(std::string& out, const std::uint8_t* data, std::size_t size, std::string_view alphabet,
            bool pad) {
    out.reserve(out.size() + (size + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= size; i += 3) {
        const std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = size - i;
    if (rest == 0) return;
    const std::uint32_t v = (data[i] << 16) | (rest == 2 ? data[i + 1] << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(3 - rest, '=');
}

// Which characters belong to the standard alphabet (a lookup per character: a signed zone's
// previous text holds hundreds of thousands of signatures).
const std::array<bool, 256>& standard_characters() {
    static const auto table = [] {
        std::array<bool, 256> t{};
        for (const char c : standard_alphabet) t[static_cast<unsigned char>(c)] = true;
        return t;
    }();
    return table;
}

int url_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-') return 62;
    if (c == '_') return 63;
    return -1;
}

}  // namespace

void append_base64(std::string& out, std::string_view bytes) {
    encode(out, reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(),
           standard_alphabet, true);
}

std::string base64(std::string_view bytes) {
    std::string out;
    append_base64(out, bytes);
    return out;
}

bool is_base64(std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return false;
    std::size_t end = text.size();
    if (text[end - 1] == '=') --end;
    if (text[end - 1] == '=') --end;
    const auto& table = standard_characters();
    bool ok = true;  // no early exit: the loop stays branch-free
    for (std::size_t i = 0; i < end; ++i) ok &= table[static_cast<unsigned char>(text[i])];
    return ok;
}

bool append_base64_decoded(std::string& out, std::string_view text) {
    if (text.empty() || text.size() % 4 != 0) return false;
    const std::size_t start = out.size();
    out.resize(start + text.size() / 4 * 3);
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data() + start),
                                  reinterpret_cast<const unsigned char*>(text.data()),
                                  static_cast<int>(text.size()));
    if (n < 0) return false;
    // EVP_DecodeBlock counts the padding as zero bytes.
    std::size_t pad = 0;
    if (text.back() == '=') ++pad;
    if (text[text.size() - 2] == '=') ++pad;
    out.resize(start + static_cast<std::size_t>(n) - pad);
    return true;
}

std::string base64url(std::span<const std::uint8_t> data) {
    std::string out;
    encode(out, data.data(), data.size(), url_alphabet, false);
    return out;
}

std::optional<Bytes> from_base64url(std::string_view text) {
    if (text.size() % 4 == 1) return std::nullopt;
    Bytes out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = url_value(c);
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>((acc >> bits) & 0xff));
        }
    }
    // The bits left over must be zero, or two texts would decode to the same bytes.
    if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;
    return out;
}

}  // namespace dk
