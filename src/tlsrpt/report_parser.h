// Reads an RFC 8460 report: the JSON text, or its gzip form (RFC 8460 section 5.3). Pure: bytes
// in, a Report or one line naming the first problem out (bad input); nothing partial.
#pragma once

#include <string_view>

#include "base/result.h"
#include "tlsrpt/report.h"

namespace dk::tlsrpt {

// The JSON text of a report. "report-id: empty", "policies[1].failure-details[3].result-type:
// not a string", "JSON nested deeper than 8 levels", ...
Result<Report> parse_report_json(std::string_view json, const Limits& limits = {});

// gzip (starts with 1f 8b) is inflated first, up to limits.max_json_bytes; anything else is read
// as the JSON text.
Result<Report> parse_report(std::string_view bytes, const Limits& limits = {});

}  // namespace dk::tlsrpt
