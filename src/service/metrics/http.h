// The HTTP/1.1 pieces the daemon's listeners share (the metrics listener, the TLSRPT receiver):
// the listening socket, the request head read within bounds, the response. Pure but for the
// socket.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace dk::service {

// A TCP socket bound to `listen` (an IP literal) and listening; `what` names it in errors.
Result<UniqueFd> listening_socket(const HostPort& listen, std::string_view what);

// A non-blocking eventfd a listener's owner writes to wake its serving thread to stop.
Result<UniqueFd> stop_eventfd();

inline constexpr std::size_t http_max_head = 8192;  // request line and headers
inline constexpr std::size_t http_max_headers = 64;

// Where the head ends in what was received (just after its blank line), if it does.
std::optional<std::size_t> http_head_end(std::string_view received);

struct HttpRequestHead {
    std::string method;                                        // "POST"
    std::string target;                                        // "/tlsrpt"
    std::string version;                                       // "HTTP/1.1"
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed
    // The value of the header `name` (lower case); nullopt when absent. bad_input when it occurs
    // more than once (a smuggling attempt: two lengths, two types).
    [[nodiscard]] Result<std::optional<std::string>> header(std::string_view name) const;
};

// Reads a request head (up to, not including, its blank line; at most http_max_head bytes and
// http_max_headers headers): bad_input naming the first problem (no request line, a bad method
// or version, a header line without a colon, obsolete line folding, a control byte).
Result<HttpRequestHead> parse_http_head(std::string_view head);

// A whole HTTP/1.1 response that closes the connection: status line, Content-Type,
// Content-Length, Connection: close, `extra` header lines (each ending "\r\n"), the body.
std::string http_response(int status, std::string_view content_type, std::string_view body,
                          std::string_view extra = "");

// "OK", "Not Found", ... for the statuses the listeners answer with.
std::string_view http_reason(int status);

}  // namespace dk::service
