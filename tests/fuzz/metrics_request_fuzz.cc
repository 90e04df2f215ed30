// Fuzzes the metrics listener's request handling as the serving loop does it: bytes arrive in
// pieces (sizes taken from the input) until the request is complete (its blank line, or the
// size bound), then it is answered. Never crash; the bound holds; the answer is the metrics text
// exactly for "GET /metrics " and 404 otherwise, with a true Content-Length.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/metrics/metrics_server.h"

namespace {

const std::string metrics_text = "# HELP dk_up 1 when running\ndk_up 1\n";

void check_response(const std::string& request, const std::string& response) {
    const bool wanted = request.starts_with("GET /metrics ");
    const std::string body = wanted ? metrics_text : "not found\n";
    const std::string status = wanted ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n";
    const auto head_end = response.find("\r\n\r\n");
    if (!response.starts_with(status) || head_end == std::string::npos) std::abort();
    if (response.substr(head_end + 4) != body) std::abort();
    const std::string length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
    if (response.substr(0, head_end + 2).find(length) == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1 || size > 64 * 1024) return 0;
    // The first byte sets the piece size (as recv would cut the stream, up to the serving loop's
    // 1024-byte reads), the rest is the stream.
    const std::size_t piece = (std::size_t{data[0]} % 16 + 1) * 64;
    const std::string_view stream(reinterpret_cast<const char*>(data + 1), size - 1);
    std::string request;
    std::size_t at = 0;
    while (!dk::service::metrics_request_complete(request) && at < stream.size()) {
        const std::string_view next = stream.substr(at, piece);
        request.append(next);
        at += next.size();
    }
    if (!dk::service::metrics_request_complete(request)) return 0;  // the client would time out
    // At most one piece over the bound (the serving loop reads 1024 bytes at a time).
    if (request.size() >= dk::service::metrics_max_request + piece) std::abort();
    const std::string response = dk::service::metrics_response(request, metrics_text);
    check_response(request, response);
    return 0;
}
