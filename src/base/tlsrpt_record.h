// The TLSRPT policy record (RFC 8460 section 3) built from typed fields: the report URIs
// ("rua"), each checked, joined into "v=TLSRPTv1; rua=URI,URI" and cut into the 255-byte
// character-strings a TXT record holds (senders join them back without separators).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dk {

inline constexpr std::size_t max_rua_uri_bytes = 1024;
inline constexpr std::size_t max_rua_uris = 8;
inline constexpr std::size_t max_tlsrpt_record_bytes = 2048;

// A report URI as the record may carry it: `mailto:LOCAL@DOMAIN` or `https://HOST/...`, at most
// max_rua_uri_bytes of URI characters (RFC 3986, `%` escapes included), never `;` or `,` (they
// separate the record's fields and URIs: RFC 8460 wants them percent-encoded) nor white space.
Status check_rua_uri(std::string_view uri);

// "v=TLSRPTv1; rua=A,B" from checked URIs (at least one, at most max_rua_uris, the whole
// record at most max_tlsrpt_record_bytes); bad_input naming the URI otherwise.
Result<std::string> tlsrpt_record_text(const std::vector<std::string>& rua);

// The record cut into character-strings of at most 255 bytes each.
std::vector<std::string> character_strings(std::string_view text);

// Whether the joined strings of a TXT record are a TLSRPT record (they begin "v=TLSRPTv1"
// followed by ";", white space or nothing): senders use only such records, and none at all when
// an owner has more than one.
bool is_tlsrpt_record(std::string_view joined);

}  // namespace dk
