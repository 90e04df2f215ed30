#include "zone/sign/names.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace dk::zone::sign {
namespace {

// Start offsets of each label (the root label excluded); returns how many.
std::size_t label_offsets(std::string_view wire, std::array<std::uint8_t, 128>& offsets) {
    std::size_t n = 0;
    std::size_t pos = 0;
    while (pos < wire.size() && wire[pos] != 0 && n < offsets.size()) {
        offsets[n++] = static_cast<std::uint8_t>(pos);
        pos += 1 + static_cast<unsigned char>(wire[pos]);
    }
    return n;
}

unsigned char lower_byte(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
}

}  // namespace

void lowercase_name(WireName& name) {
    for (char& c : name) c = static_cast<char>(lower_byte(static_cast<unsigned char>(c)));
    // Length bytes are below 64 and so never letters: lowering every byte is safe.
}

std::string canonical_key(std::string_view wire) {
    std::string key;
    key.reserve(wire.size() + 8);
    append_canonical_key(key, wire);
    return key;
}

void append_canonical_key(std::string& key, std::string_view wire) {
    std::array<std::uint8_t, 128> offsets{};
    const std::size_t n = label_offsets(wire, offsets);
    for (std::size_t i = n; i-- > 0;) {
        const std::size_t start = offsets[i];
        const std::size_t len = static_cast<unsigned char>(wire[start]);
        for (std::size_t j = 0; j < len; ++j) {
            const unsigned char c = lower_byte(static_cast<unsigned char>(wire[start + 1 + j]));
            if (c <= 1) {
                key.push_back('\x01');
                key.push_back(static_cast<char>(c + 1));
            } else {
                key.push_back(static_cast<char>(c));
            }
        }
        key.push_back('\0');
    }
}

int compare_names(std::string_view a, std::string_view b) {
    std::array<std::uint8_t, 128> oa{};
    std::array<std::uint8_t, 128> ob{};
    std::size_t na = label_offsets(a, oa);
    std::size_t nb = label_offsets(b, ob);
    while (na > 0 && nb > 0) {
        --na;
        --nb;
        const std::size_t la = static_cast<unsigned char>(a[oa[na]]);
        const std::size_t lb = static_cast<unsigned char>(b[ob[nb]]);
        const std::size_t common = std::min(la, lb);
        for (std::size_t i = 0; i < common; ++i) {
            const unsigned char ca = lower_byte(static_cast<unsigned char>(a[oa[na] + 1 + i]));
            const unsigned char cb = lower_byte(static_cast<unsigned char>(b[ob[nb] + 1 + i]));
            if (ca != cb) return ca < cb ? -1 : 1;
        }
        if (la != lb) return la < lb ? -1 : 1;
    }
    if (na == nb) return 0;
    return na < nb ? -1 : 1;
}

unsigned label_count(std::string_view wire) {
    std::array<std::uint8_t, 128> offsets{};
    return static_cast<unsigned>(label_offsets(wire, offsets));
}

unsigned rrsig_label_count(std::string_view wire) {
    const unsigned n = label_count(wire);
    const bool wildcard = wire.size() >= 2 && wire[0] == 1 && wire[1] == '*';
    return wildcard ? n - 1 : n;
}

bool is_at_or_below(std::string_view name, std::string_view ancestor) {
    if (name.size() < ancestor.size()) return false;
    // Walk name's labels until the rest is as long as the ancestor, then compare.
    std::size_t pos = 0;
    while (name.size() - pos > ancestor.size()) {
        pos += 1 + static_cast<unsigned char>(name[pos]);
        if (pos >= name.size()) return false;
    }
    if (name.size() - pos != ancestor.size()) return false;
    for (std::size_t i = 0; i < ancestor.size(); ++i) {
        if (lower_byte(static_cast<unsigned char>(name[pos + i])) !=
            lower_byte(static_cast<unsigned char>(ancestor[i])))
            return false;
    }
    return true;
}

std::string_view parent_of(std::string_view wire) {
    if (wire.empty() || wire[0] == 0) return wire;
    return wire.substr(1 + static_cast<unsigned char>(wire[0]));
}

namespace {

// The characters a name's text escapes (a switch: this runs for every character written).
bool special_in_text(unsigned char c) {
    switch (c) {
        case '.':
        case ';':
        case '(':
        case ')':
        case '\\':
        case '"':
        case '$':
        case '@':
            return true;
        default:
            return false;
    }
}

}  // namespace

void append_name_text(std::string& out, std::string_view wire) {
    std::size_t pos = 0;
    if (wire.empty() || wire[0] == 0) {
        out.push_back('.');
        return;
    }
    while (pos < wire.size() && wire[pos] != 0) {
        const std::size_t len = static_cast<unsigned char>(wire[pos]);
        for (std::size_t i = 0; i < len && pos + 1 + i < wire.size(); ++i) {
            const unsigned char c = static_cast<unsigned char>(wire[pos + 1 + i]);
            if (c <= 0x20 || c >= 0x7f) {
                char buf[5];
                buf[0] = '\\';
                buf[1] = static_cast<char>('0' + c / 100);
                buf[2] = static_cast<char>('0' + (c / 10) % 10);
                buf[3] = static_cast<char>('0' + c % 10);
                out.append(buf, 4);
            } else {
                if (special_in_text(c)) out.push_back('\\');
                out.push_back(static_cast<char>(c));
            }
        }
        out.push_back('.');
        pos += 1 + len;
    }
}

std::string name_to_text(std::string_view wire) {
    std::string out;
    append_name_text(out, wire);
    return out;
}

std::size_t wire_name_length(std::string_view data) {
    std::size_t pos = 0;
    while (pos < data.size()) {
        const unsigned char len = static_cast<unsigned char>(data[pos]);
        if (len == 0) return pos + 1 <= 255 ? pos + 1 : 0;
        if (len > 63) return 0;
        pos += 1 + len;
    }
    return 0;
}

WireName prepend_label(std::string_view label, std::string_view parent) {
    WireName out;
    out.reserve(1 + label.size() + parent.size());
    out.push_back(static_cast<char>(label.size()));
    out.append(label);
    out.append(parent);
    return out;
}

}  // namespace dk::zone::sign
