// The `_mta-sts.DOMAIN` TXT record (RFC 8461 section 3.1): "v=STSv1; id=ID;" built from its id,
// read from outside bounded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dk::mtasts {

// An id is 1 to 32 ASCII letters or digits.
bool valid_id(std::string_view id);

// "v=STSv1; id=ID" for a valid id; bad_input otherwise.
Result<std::string> sts_record_text(std::string_view id);

// Whether a TXT string is an STS record at all (it starts with "v=STSv1"; others are ignored).
bool is_sts_record(std::string_view txt);

// The id of an STS record (section 3.1 grammar: "v=STSv1", then ";"-separated name=value fields,
// id required once, unknown fields ignored); bad_input naming the problem otherwise.
Result<std::string> parse_sts_record(std::string_view txt);

// What senders make of the TXT strings at _mta-sts.DOMAIN: exactly one STS record, its id;
// none, several or a malformed one is check_failed saying which.
Result<std::string> sts_id_of(const std::vector<std::string>& txt_strings);

}  // namespace dk::mtasts
