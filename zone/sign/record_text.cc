#include "zone/sign/record_text.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <vector>

#include "base/base64.h"
#include "base/hex.h"
#include "base/ldns_handles.h"
#include "zone/sign/names.h"
#include "zone/sign/type_bitmap.h"
#include "zone/sign/wire.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

void append_uint(std::string& out, std::uint32_t v) {
    char buf[12];
    int n = 0;
    do {
        buf[n++] = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0) out.push_back(buf[--n]);
}

namespace {

void append_type_list(std::string& out, std::string_view bitmap) {
    // One buffer per thread: a signed zone has an NSEC or NSEC3 record at every name.
    thread_local std::vector<std::uint16_t> types;
    decode_type_bitmap(bitmap, types);
    for (const std::uint16_t t : types) {
        out.push_back(' ');
        append_type_name(out, t);
    }
}

// The RDATA by ldns, for types we do not format ourselves (and malformed data).
void append_by_ldns(std::string& out, std::uint16_t type, std::string_view rdata) {
    std::string wire("\0", 1);
    put16(wire, type);
    put16(wire, 1);
    put32(wire, 0);
    put16(wire, static_cast<std::uint16_t>(rdata.size()));
    wire.append(rdata);
    ldns_rr* raw = nullptr;
    std::size_t pos = 0;
    if (ldns_wire2rr(&raw, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos,
                     LDNS_SECTION_ANSWER) != LDNS_STATUS_OK) {
        out += "\\# ";
        append_uint(out, static_cast<std::uint32_t>(rdata.size()));
        out.push_back(' ');
        append_hex(out, rdata);
        return;
    }
    ldns::RrPtr rr(raw);
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        ldns::CStringPtr field(ldns_rdf2str(ldns_rr_rdf(rr.get(), i)));
        if (i > 0) out.push_back(' ');
        if (field) out += field.get();
    }
}

// Returns false when the data does not have the shape of the type (ldns formats it then).
bool append_fast(std::string& out, std::uint16_t type, std::string_view d) {
    switch (type) {
        case type_a: {
            // Dotted decimal by hand: inet_ntop formats with sprintf, slow for 100,000 records.
            if (d.size() != 4) return false;
            for (std::size_t i = 0; i < 4; ++i) {
                if (i > 0) out.push_back('.');
                append_uint(out, static_cast<unsigned char>(d[i]));
            }
            return true;
        }
        case type_aaaa: {
            if (d.size() != 16) return false;
            char buf[INET6_ADDRSTRLEN];
            if (inet_ntop(AF_INET6, d.data(), buf, sizeof buf) == nullptr) return false;
            out += buf;
            return true;
        }
        case type_ns:
        case type_cname:
        case type_dname: {
            if (wire_name_length(d) != d.size()) return false;
            append_name_text(out, d);
            return true;
        }
        case type_mx: {
            if (d.size() < 3 || wire_name_length(d.substr(2)) != d.size() - 2) return false;
            append_uint(out, get16(d, 0));
            out.push_back(' ');
            append_name_text(out, d.substr(2));
            return true;
        }
        case type_soa: {
            const std::size_t m = wire_name_length(d);
            const std::size_t r = m == 0 ? 0 : wire_name_length(d.substr(m));
            if (m == 0 || r == 0 || m + r + 20 != d.size()) return false;
            append_name_text(out, d.substr(0, m));
            out.push_back(' ');
            append_name_text(out, d.substr(m, r));
            for (std::size_t i = 0; i < 5; ++i) {
                out.push_back(' ');
                append_uint(out, get32(d, m + r + 4 * i));
            }
            return true;
        }
        case type_tlsa: {
            if (d.size() < 4) return false;
            for (std::size_t i = 0; i < 3; ++i) {
                append_uint(out, static_cast<unsigned char>(d[i]));
                out.push_back(' ');
            }
            append_hex(out, d.substr(3));
            return true;
        }
        case type_ds:
        case type_cds:
        case type_dnskey:
        case type_cdnskey: {
            // DS: key tag, algorithm, digest type, hex digest. DNSKEY: flags, protocol,
            // algorithm, base64 key.
            if (d.size() < 5) return false;
            append_uint(out, get16(d, 0));
            for (std::size_t i = 2; i < 4; ++i) {
                out.push_back(' ');
                append_uint(out, static_cast<unsigned char>(d[i]));
            }
            out.push_back(' ');
            if (type == type_ds || type == type_cds)
                append_hex(out, d.substr(4));
            else
                append_base64(out, d.substr(4));
            return true;
        }
        case type_rrsig: {
            if (d.size() < 19) return false;
            const std::size_t signer = wire_name_length(d.substr(18));
            if (signer == 0 || 18 + signer >= d.size()) return false;
            append_type_name(out, get16(d, 0));
            for (std::size_t i = 2; i < 4; ++i) {
                out.push_back(' ');
                append_uint(out, static_cast<unsigned char>(d[i]));
            }
            out.push_back(' ');
            append_uint(out, get32(d, 4));
            out.push_back(' ');
            append_rrsig_time(out, get32(d, 8));
            out.push_back(' ');
            append_rrsig_time(out, get32(d, 12));
            out.push_back(' ');
            append_uint(out, get16(d, 16));
            out.push_back(' ');
            append_name_text(out, d.substr(18, signer));
            out.push_back(' ');
            append_base64(out, d.substr(18 + signer));
            return true;
        }
        case type_nsec: {
            const std::size_t next = wire_name_length(d);
            if (next == 0) return false;
            append_name_text(out, d.substr(0, next));
            append_type_list(out, d.substr(next));
            return true;
        }
        case type_nsec3:
        case type_nsec3param: {
            if (d.size() < 5) return false;
            const std::size_t salt_len = static_cast<unsigned char>(d[4]);
            if (d.size() < 5 + salt_len) return false;
            append_uint(out, static_cast<unsigned char>(d[0]));
            out.push_back(' ');
            append_uint(out, static_cast<unsigned char>(d[1]));
            out.push_back(' ');
            append_uint(out, get16(d, 2));
            out.push_back(' ');
            if (salt_len == 0)
                out.push_back('-');
            else
                append_hex(out, d.substr(5, salt_len));
            if (type == type_nsec3param) return d.size() == 5 + salt_len;
            const std::size_t h = 5 + salt_len;
            if (d.size() < h + 1 || d.size() < h + 1 + static_cast<unsigned char>(d[h]))
                return false;
            const std::size_t hash_len = static_cast<unsigned char>(d[h]);
            out.push_back(' ');
            out += base32hex(d.substr(h + 1, hash_len));
            append_type_list(out, d.substr(h + 1 + hash_len));
            return true;
        }
        default:
            return false;
    }
}

}  // namespace

std::string type_name(std::uint16_t type) {
    std::string out;
    append_type_name(out, type);
    return out;
}

void append_type_name(std::string& out, std::uint16_t type) {
    // The mnemonics of the common types, looked up in ldns once.
    static const std::vector<const char*> common = [] {
        std::vector<const char*> names(300, nullptr);
        for (std::uint16_t t = 0; t < names.size(); ++t) {
            const ldns_rr_descriptor* d = ldns_rr_descript(t);
            if (d != nullptr && d->_name != nullptr && d->_type == t) names[t] = d->_name;
        }
        return names;
    }();
    const char* name = nullptr;
    if (type < common.size()) {
        name = common[type];
    } else if (const ldns_rr_descriptor* d = ldns_rr_descript(type);
               d != nullptr && d->_type == type) {
        name = d->_name;
    }
    if (name != nullptr) {
        out += name;
        return;
    }
    out += "TYPE";
    append_uint(out, type);
}

std::string base32hex(std::string_view bytes) {
    static constexpr char digits[] = "0123456789abcdefghijklmnopqrstuv";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (const char c : bytes) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            out.push_back(digits[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(digits[(buffer << (5 - bits)) & 31]);
    return out;
}

void append_rrsig_time(std::string& out, std::uint32_t t) {
    // Days since 1970 to year/month/day in the proleptic Gregorian calendar, counting in
    // 400-year eras that start on March 1st (so the leap day ends a year).
    const std::uint32_t days = t / 86400;
    const std::uint32_t secs = t % 86400;
    const std::uint32_t z = days + 719468;
    const std::uint32_t era = z / 146097;
    const std::uint32_t doe = z - era * 146097;
    const std::uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::uint32_t mp = (5 * doy + 2) / 153;
    const std::uint32_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::uint32_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::uint32_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    char buf[15];
    const std::uint32_t fields[] = {year / 100,  year % 100,     month,    day,
                                    secs / 3600, secs / 60 % 60, secs % 60};
    for (std::size_t i = 0; i < 7; ++i) {
        buf[2 * i] = static_cast<char>('0' + fields[i] / 10);
        buf[2 * i + 1] = static_cast<char>('0' + fields[i] % 10);
    }
    out.append(buf, 14);
}

void append_record_text(std::string& out, std::string_view owner, std::uint16_t type,
                        std::uint32_t ttl, std::string_view rdata) {
    append_name_text(out, owner);
    append_record_after_owner(out, type, ttl, rdata);
}

void append_record_after_owner(std::string& out, std::uint16_t type, std::uint32_t ttl,
                               std::string_view rdata) {
    out.push_back('\t');
    append_uint(out, ttl);
    out += "\tIN\t";
    append_type_name(out, type);
    out.push_back('\t');
    const std::size_t mark = out.size();
    if (!append_fast(out, type, rdata)) {
        out.resize(mark);
        append_by_ldns(out, type, rdata);
    }
    out.push_back('\n');
}

}  // namespace dk::zone::sign
