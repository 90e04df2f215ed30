#include "zone/sign/simple_record.h"

#include <arpa/inet.h>

#include <array>

#include "zone/sign/simple_tokens.h"
#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

bool parse_address(std::string_view text, int family, std::string& out) {
    char buf[INET6_ADDRSTRLEN + 1];
    if (text.size() >= sizeof buf) return false;
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    unsigned char bytes[16];
    if (inet_pton(family, buf, bytes) != 1) return false;
    out.assign(reinterpret_cast<const char*>(bytes), family == AF_INET ? 4 : 16);
    return true;
}

// The RDATA of the plain types; false for any other type or unexpected shape.
bool parse_rdata(std::string_view type, const Tokens& t, std::size_t at, const WireName& origin,
                 Record& out) {
    const std::size_t n = t.count - at;
    if (equals_nocase(type, "A") || equals_nocase(type, "AAAA")) {
        out.type = type.size() == 1 ? type_a : type_aaaa;
        return n == 1 &&
               parse_address(t.items[at], type.size() == 1 ? AF_INET : AF_INET6, out.rdata);
    }
    if (equals_nocase(type, "NS") || equals_nocase(type, "CNAME") || equals_nocase(type, "DNAME") ||
        equals_nocase(type, "PTR")) {
        out.type = equals_nocase(type, "NS")      ? type_ns
                   : equals_nocase(type, "CNAME") ? type_cname
                   : equals_nocase(type, "DNAME") ? type_dname
                                                  : std::uint16_t{12};
        return n == 1 && parse_plain_name(t.items[at], origin, out.rdata);
    }
    if (equals_nocase(type, "MX")) {
        out.type = type_mx;
        std::uint64_t pref = 0;
        WireName exchange;
        if (n != 2 || !parse_number(t.items[at], 65535, pref) ||
            !parse_plain_name(t.items[at + 1], origin, exchange))
            return false;
        out.rdata.clear();
        put16(out.rdata, static_cast<std::uint16_t>(pref));
        out.rdata += exchange;
        return true;
    }
    if (parse_dnssec_rdata(type, t, at, origin, out)) return true;
    if (equals_nocase(type, "TLSA")) {
        out.type = type_tlsa;
        if (n < 4) return false;
        out.rdata.clear();
        out.rdata.reserve(3 + t.items[at + 3].size() / 2);
        for (std::size_t i = 0; i < 3; ++i) {
            std::uint64_t v = 0;
            if (!parse_number(t.items[at + i], 255, v)) return false;
            out.rdata.push_back(static_cast<char>(v));
        }
        return append_hex_tokens(t, at + 3, out.rdata);
    }
    if (equals_nocase(type, "SOA")) {
        out.type = type_soa;
        WireName mname;
        WireName rname;
        if (n != 7 || !parse_plain_name(t.items[at], origin, mname) ||
            !parse_plain_name(t.items[at + 1], origin, rname))
            return false;
        out.rdata = mname + rname;
        for (std::size_t i = 2; i < 7; ++i) {
            std::uint64_t v = 0;
            if (!parse_number(t.items[at + i], 0xffffffff, v)) return false;
            put32(out.rdata, static_cast<std::uint32_t>(v));
        }
        return true;
    }
    return false;
}

}  // namespace

bool parse_plain_name(std::string_view text, const WireName& origin, WireName& out,
                      bool keep_case) {
    out.clear();
    if (text == "@") {
        out = origin;
        return true;
    }
    if (text.empty() || text.size() > 253 || text.front() == '.') return false;
    const bool absolute = text.back() == '.';
    if (absolute) text.remove_suffix(1);
    out.reserve(text.size() + 2 + (absolute ? 0 : origin.size()));  // one allocation at most
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        if (end == std::string_view::npos) end = text.size();
        const std::size_t len = end - start;
        if (len == 0 || len > 63) return false;
        out.push_back(static_cast<char>(len));
        for (std::size_t i = start; i < end; ++i) {
            char c = text[i];
            if (c >= 'A' && c <= 'Z') {
                if (!keep_case) c = static_cast<char>(c + 32);
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                         c == '*')) {
                return false;
            }
            out.push_back(c);
        }
        start = end + 1;
    }
    if (absolute) {
        out.push_back('\0');
    } else {
        out.append(origin);
    }
    return out.size() <= 255;
}

bool parse_simple_record(std::string_view line, const WireName& origin,
                         const WireName& previous_owner, std::uint32_t default_ttl, Record& out) {
    Tokens t;
    if (line.empty() || !split(line, t) || t.count < 2) return false;
    std::size_t at = 0;
    if (is_space(line.front())) {
        if (previous_owner.empty()) return false;
        out.owner = previous_owner;
    } else if (!parse_plain_name(t.items[at++], origin, out.owner)) {
        return false;
    }
    out.ttl = default_ttl;
    bool ttl_seen = false;
    bool class_seen = false;
    for (int i = 0; i < 2 && at < t.count; ++i) {
        std::uint64_t ttl = 0;
        if (!ttl_seen && parse_number(t.items[at], 0x7fffffff, ttl)) {
            out.ttl = static_cast<std::uint32_t>(ttl);
            ttl_seen = true;
            ++at;
        } else if (!class_seen && equals_nocase(t.items[at], "IN")) {
            class_seen = true;
            ++at;
        }
    }
    if (at + 1 >= t.count) return false;
    const std::string_view type = t.items[at++];
    return parse_rdata(type, t, at, origin, out);
}

}  // namespace dk::zone::sign
