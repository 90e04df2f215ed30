// A fast path for the plain records big zones are made of ("www 300 IN A 192.0.2.1", TLSA, NS,
// CNAME, MX ...): owner names of letters, digits, '-', '_' and '*', no escapes. Whatever it
// does not recognise it leaves to ldns, which also reports the errors.
#pragma once

#include <cstdint>
#include <string_view>

#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

// `text` (plain, absolute with a trailing dot, or relative to origin, or "@") as a wire name,
// lower-cased unless `keep_case` (the NSEC next name keeps its case, as ldns reads it); false when
// it is not a plain name.
bool parse_plain_name(std::string_view text, const WireName& origin, WireName& out,
                      bool keep_case = false);

// One logical line. A line starting with a blank belongs to `previous_owner`. False: not
// handled here (ldns will read it), out unspecified.
bool parse_simple_record(std::string_view line, const WireName& origin,
                         const WireName& previous_owner, std::uint32_t default_ttl, Record& out);

}  // namespace dk::zone::sign
