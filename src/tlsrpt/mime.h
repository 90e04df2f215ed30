// The report a TLSRPT mail carries (RFC 8460 section 5.3): a MIME message (RFC 2045/2046) whose
// part of type application/tlsrpt+gzip or application/tlsrpt+json holds the report, most often
// base64-encoded. Pure and bounded: bytes in, the part's decoded bytes or one reason out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::tlsrpt {

struct MimeLimits {
    std::size_t max_message_bytes = std::size_t{8}
                                    << 20;     // a 4 MiB gzip report in base64, and room
    int max_depth = 4;                         // multipart inside multipart
    std::size_t max_parts = 64;                // over the whole message
    std::size_t max_header_bytes = 64 * 1024;  // one part's header block
};

// The decoded body of the first report part, found depth first (bad input: "mail: ..." naming
// what is wrong: no report part, a transfer encoding it does not read, bad base64, a bound).
Result<std::string> report_from_mail(std::string_view message, const MimeLimits& limits = {});

}  // namespace dk::tlsrpt
