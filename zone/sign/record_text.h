// Zone-file lines from wire records: our own fast formatting for the types a signed zone is
// made of (RRSIG, NSEC, NSEC3, DNSKEY, DS, TLSA, A, AAAA, names, SOA), ldns for the rest.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dk::zone::sign {

// "OWNER\tTTL\tIN\tTYPE\tRDATA\n"
void append_record_text(std::string& out, std::string_view owner, std::uint16_t type,
                        std::uint32_t ttl, std::string_view rdata);
// The same without the owner ("\tTTL\tIN\tTYPE\tRDATA\n"), for a caller that has its text.
void append_record_after_owner(std::string& out, std::uint16_t type, std::uint32_t ttl,
                               std::string_view rdata);

// "A", "TLSA", or "TYPE65534" for a type without a mnemonic.
std::string type_name(std::uint16_t type);
void append_type_name(std::string& out, std::uint16_t type);

void append_uint(std::string& out, std::uint32_t value);  // decimal
// Lower-case base32hex without padding (RFC 4648 7), as NSEC3 owners are written.
std::string base32hex(std::string_view bytes);
// RRSIG time field: YYYYMMDDHHmmSS (UTC).
void append_rrsig_time(std::string& out, std::uint32_t t);

}  // namespace dk::zone::sign
