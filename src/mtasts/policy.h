// The MTA-STS policy (RFC 8461 section 3.2): the text a web server serves at
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt. Rendered from typed fields; read from outside
// within bounds (a policy is whatever a web server sent).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dk::mtasts {

enum class Mode { none, testing, enforce };
std::string_view to_string(Mode mode);
// "none", "testing", "enforce"; bad_input otherwise.
Result<Mode> mode_from(std::string_view text);

// RFC 8461 section 3.2: max_age is at most 31557600 seconds (about a year).
inline constexpr std::uint32_t max_age_limit = 31557600;
// Senders SHOULD NOT accept a larger policy (section 3.3); nor do we.
inline constexpr std::size_t max_policy_bytes = 64 * 1024;
inline constexpr std::size_t max_mx_patterns = 1000;

struct Policy {
    Mode mode = Mode::none;
    std::uint32_t max_age = 0;
    std::vector<std::string> mx;  // patterns: lower case, no trailing dot; "*." + name allowed
    friend bool operator==(const Policy&, const Policy&) = default;
};

// "version: STSv1", "mode: ...", one "mx: ..." per pattern, "max_age: ..." with CRLF line ends.
// Patterns must each be a host name or "*." and one (section 3.2); bad_input otherwise.
Result<std::string> render_policy(const Policy& policy);

// Reads a policy as a sender does (section 3.2): "key: value" lines ended by LF or CRLF, version
// STSv1 required, mode and max_age required once each, at least one mx unless the mode is none,
// unknown fields ignored. Anything longer than max_policy_bytes, a NUL or other control byte, a
// repeated field or a malformed value is bad_input naming the line.
Result<Policy> parse_policy(std::string_view text);

// Whether `host` (an MX name, trailing dot or not, any case) matches `pattern` (section 4.1): the
// same name, or "*.REST" where host is one label followed by REST.
bool mx_matches(std::string_view pattern, std::string_view host);

// The pattern an MX name stands for in a policy we write: lower case, without the trailing dot.
std::string pattern_of(std::string_view mx_host);

// A policy id (section 3.1: 1 to 32 letters or digits) derived from the policy text: the first
// 32 hex digits of its SHA-256, so the id changes exactly when the text does.
std::string policy_id(std::string_view policy_text);

}  // namespace dk::mtasts
