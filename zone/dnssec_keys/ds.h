// DS, CDS and CDNSKEY records made from a DNSKEY (RFC 4034 5, RFC 4509, RFC 6605, RFC 7344,
// RFC 8078), and matching a parent's DS records against our keys.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::zone::dnssec_keys {

enum class DigestType : std::uint8_t { sha1 = 1, sha256 = 2, sha384 = 4 };

// The canonical (lower-case, uncompressed) wire form of a presentation name.
Result<std::string> owner_wire(const std::string& name);

// DS RDATA: key tag (RFC 4034 Appendix B), algorithm, digest type, and the digest over
// owner | DNSKEY RDATA. owner_wire must be canonical. bad_input when the RDATA is no DNSKEY.
Result<std::string> ds_rdata(std::string_view owner_wire, std::string_view dnskey_rdata,
                             DigestType digest = DigestType::sha256);

// True when `ds` (a DS or CDS RDATA) is a digest of this DNSKEY under any digest type we know.
bool ds_matches(std::string_view ds, std::string_view owner_wire, std::string_view dnskey_rdata);

// Presentation of the RDATA: "60485 5 1 2BB183AF..." (DS) and "257 3 13 base64" (DNSKEY).
std::string ds_text(std::string_view ds);
std::string dnskey_text(std::string_view dnskey_rdata);

}  // namespace dk::zone::dnssec_keys
