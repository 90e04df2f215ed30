// Reads zone-file text with ldns into compact records (owner and RDATA in canonical wire form).
// Large files are cut at owner lines and read by several threads; every problem is reported as
// SOURCE:LINE: problem.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct ReadOptions {
    std::string source;                // the file name, for messages
    std::string origin;                // absolute presentation name, e.g. "example.test."
    unsigned threads = 1;              // readers for big inputs (cut at lines with an owner)
    std::uint32_t default_ttl = 3600;  // before any $TTL or explicit TTL
};

// Every record of the text. Refused (bad_input, SOURCE:LINE: problem): a record ldns cannot
// parse, $INCLUDE, a class other than IN, an owner outside the origin.
Result<std::vector<Record>> read_zone_text(std::string_view text, const ReadOptions& options);

// The largest zone file read (1 GiB).
inline constexpr std::size_t max_zone_file_bytes = std::size_t{1} << 30;

// Reads a file (up to max_zone_file_bytes) and parses it.
Result<std::vector<Record>> read_zone_file(const std::string& path, const ReadOptions& options);

// The origin in wire form, or bad_input.
Result<WireName> wire_origin(const std::string& origin);

// One record from presentation text relative to `origin` ("_25._tcp.mx1 300 TLSA 3 1 1 ...").
Result<Record> parse_record(const std::string& text, const std::string& origin);

}  // namespace dk::zone::sign
