// The fast path for the DNSSEC types a signed zone file is mostly made of, so a signed zone
// written before reads back quickly (incremental signing keeps its signatures).
#include <openssl/evp.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/base64.h"
#include "base/ldns_handles.h"
#include "zone/sign/simple_record.h"
#include "zone/sign/simple_tokens.h"
#include "zone/sign/type_bitmap.h"
#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

bool small_number(std::string_view s, std::uint64_t max, std::uint64_t& out) {
    return parse_number(s, max, out);
}

// Days from 1970-01-01 to the given date (proleptic Gregorian), counting 400-year eras from
// March 1st so that the leap day ends a year.
long long days_from_civil(long long y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const long long era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool decode_base32hex(std::string_view text, std::string& out) {
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : text) {
        int v = -1;
        if (c >= '0' && c <= '9') v = c - '0';
        if (c >= 'a' && c <= 'v') v = c - 'a' + 10;
        if (c >= 'A' && c <= 'V') v = c - 'A' + 10;
        if (v < 0) return false;
        buffer = (buffer << 5) | static_cast<unsigned>(v);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
            bits -= 8;
        }
    }
    return bits < 5 && (buffer & ((1u << bits) - 1)) == 0;
}

bool type_list(const Tokens& t, std::size_t from, std::string& out) {
    std::vector<std::uint16_t> types;
    for (std::size_t i = from; i < t.count; ++i) {
        const std::uint16_t type = type_from_name(t.items[i]);
        if (type == 0) return false;
        types.push_back(type);
    }
    std::sort(types.begin(), types.end());
    types.erase(std::unique(types.begin(), types.end()), types.end());
    out += encode_type_bitmap(types);
    return true;
}

// flags protocol algorithm base64 (DNSKEY, CDNSKEY) or tag algorithm digest-type hex (DS, CDS).
bool key_like(const Tokens& t, std::size_t at, bool hex, std::string& out) {
    std::uint64_t a = 0;
    std::uint64_t b = 0;
    std::uint64_t c = 0;
    if (t.count < at + 4 || !small_number(t.items[at], 65535, a) ||
        !small_number(t.items[at + 1], 255, b) || !small_number(t.items[at + 2], 255, c))
        return false;
    out.clear();
    put16(out, static_cast<std::uint16_t>(a));
    out.push_back(static_cast<char>(b));
    out.push_back(static_cast<char>(c));
    return hex ? append_hex_tokens(t, at + 3, out) : append_base64_tokens(t, at + 3, out);
}

bool rrsig(const Tokens& t, std::size_t at, const WireName& origin, std::string& out) {
    if (t.count < at + 9) return false;
    const std::uint16_t covered = type_from_name(t.items[at]);
    std::uint64_t alg = 0;
    std::uint64_t labels = 0;
    std::uint64_t ttl = 0;
    std::uint64_t tag = 0;
    std::uint32_t expiration = 0;
    std::uint32_t inception = 0;
    WireName signer;
    if (covered == 0 || !small_number(t.items[at + 1], 255, alg) ||
        !small_number(t.items[at + 2], 255, labels) ||
        !small_number(t.items[at + 3], 0xffffffff, ttl) ||
        !parse_rrsig_time(t.items[at + 4], expiration) ||
        !parse_rrsig_time(t.items[at + 5], inception) ||
        !small_number(t.items[at + 6], 65535, tag) ||
        !parse_plain_name(t.items[at + 7], origin, signer))
        return false;
    out.clear();
    put16(out, covered);
    out.push_back(static_cast<char>(alg));
    out.push_back(static_cast<char>(labels));
    put32(out, static_cast<std::uint32_t>(ttl));
    put32(out, expiration);
    put32(out, inception);
    put16(out, static_cast<std::uint16_t>(tag));
    out += signer;
    return append_base64_tokens(t, at + 8, out);
}

// hash-algorithm flags iterations salt [next-hash types...]
bool nsec3(const Tokens& t, std::size_t at, bool param, std::string& out) {
    std::uint64_t alg = 0;
    std::uint64_t flags = 0;
    std::uint64_t iterations = 0;
    if (t.count < at + (param ? 4 : 5) || !small_number(t.items[at], 255, alg) ||
        !small_number(t.items[at + 1], 255, flags) ||
        !small_number(t.items[at + 2], 65535, iterations))
        return false;
    out.clear();
    out.push_back(static_cast<char>(alg));
    out.push_back(static_cast<char>(flags));
    put16(out, static_cast<std::uint16_t>(iterations));
    std::string salt;
    if (t.items[at + 3] != "-") {
        Tokens one;
        one.items[0] = t.items[at + 3];
        one.count = 1;
        if (!append_hex_tokens(one, 0, salt) || salt.size() > 255) return false;
    }
    out.push_back(static_cast<char>(salt.size()));
    out += salt;
    if (param) return t.count == at + 4;
    std::string hash;
    if (!decode_base32hex(t.items[at + 4], hash) || hash.empty() || hash.size() > 255) return false;
    out.push_back(static_cast<char>(hash.size()));
    out += hash;
    return type_list(t, at + 5, out);
}

}  // namespace

bool append_base64_tokens(const Tokens& t, std::size_t from, std::string& out) {
    std::string text;
    for (std::size_t i = from; i < t.count; ++i) text.append(t.items[i]);
    return append_base64_decoded(out, text);
}

std::uint16_t type_from_name(std::string_view name) {
    static const std::unordered_map<std::string, std::uint16_t> known = [] {
        std::unordered_map<std::string, std::uint16_t> m;
        for (unsigned t = 1; t < 65536; ++t) {
            const ldns_rr_descriptor* d = ldns_rr_descript(static_cast<std::uint16_t>(t));
            if (d != nullptr && d->_name != nullptr && d->_type == t)
                m.emplace(d->_name, static_cast<std::uint16_t>(t));
            if (t == 300) t = 32767;  // the rest of the space holds only TA and DLV
        }
        return m;
    }();
    std::string upper(name);
    for (char& c : upper) {
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    }
    if (auto it = known.find(upper); it != known.end()) return it->second;
    std::uint64_t n = 0;
    if (upper.starts_with("TYPE") && parse_number(std::string_view(upper).substr(4), 65535, n))
        return static_cast<std::uint16_t>(n);
    return 0;
}

bool parse_rrsig_time(std::string_view text, std::uint32_t& out) {
    std::uint64_t v = 0;
    if (text.size() != 14) {
        if (!parse_number(text, 0xffffffff, v)) return false;
        out = static_cast<std::uint32_t>(v);
        return true;
    }
    unsigned f[7] = {};
    const std::size_t widths[7] = {4, 2, 2, 2, 2, 2};
    std::size_t pos = 0;
    for (std::size_t i = 0; i < 6; ++i) {
        if (!parse_number(text.substr(pos, widths[i]), 9999, v)) return false;
        f[i] = static_cast<unsigned>(v);
        pos += widths[i];
    }
    if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 59)
        return false;
    const long long t = days_from_civil(f[0], f[1], f[2]) * 86400 + f[3] * 3600 + f[4] * 60 + f[5];
    out = static_cast<std::uint32_t>(t);
    return true;
}

bool parse_dnssec_rdata(std::string_view type, const Tokens& t, std::size_t at,
                        const WireName& origin, Record& out) {
    if (equals_nocase(type, "RRSIG")) {
        out.type = type_rrsig;
        return rrsig(t, at, origin, out.rdata);
    }
    if (equals_nocase(type, "NSEC")) {
        out.type = type_nsec;
        out.rdata.clear();
        return t.count > at && parse_plain_name(t.items[at], origin, out.rdata, true) &&
               type_list(t, at + 1, out.rdata);
    }
    if (equals_nocase(type, "NSEC3") || equals_nocase(type, "NSEC3PARAM")) {
        out.type = type.size() == 5 ? type_nsec3 : type_nsec3param;
        return nsec3(t, at, out.type == type_nsec3param, out.rdata);
    }
    if (equals_nocase(type, "DNSKEY") || equals_nocase(type, "CDNSKEY")) {
        out.type = type.size() == 6 ? type_dnskey : type_cdnskey;
        return key_like(t, at, false, out.rdata);
    }
    if (equals_nocase(type, "DS") || equals_nocase(type, "CDS")) {
        out.type = type.size() == 2 ? type_ds : type_cds;
        return key_like(t, at, true, out.rdata);
    }
    return false;
}

}  // namespace dk::zone::sign
