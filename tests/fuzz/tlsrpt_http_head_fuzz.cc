// Fuzzes the TLSRPT receiver's reading of a request head as the serving loop does: the head up to
// its blank line (or refused past http_max_head), parsed, then judged. Never crash; a head that
// parses reads back the same request line; the judgement is one of the documented statuses, and a
// body is only ever read when it is announced, non-empty and within the limit.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "service/tlsrpt/https_receiver.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4 * dk::service::http_max_head) return 0;
    const std::string_view stream(reinterpret_cast<const char*>(data), size);
    const auto end = dk::service::http_head_end(stream);
    if (!end) return 0;  // the serving loop waits for more, or refuses past the bound (431)
    const std::string_view head_text = stream.substr(0, *end - 4);
    auto head = dk::service::parse_http_head(head_text);
    if (!head.ok()) return 0;  // answered 400
    const std::string line = head->method + " " + head->target + " " + head->version;
    if (!head_text.starts_with(line)) std::abort();
    constexpr std::size_t limit = 65536;
    const auto check = dk::service::check_tlsrpt_post(*head, "/tlsrpt", limit);
    switch (check.status) {
        case 0:
            if (check.body_bytes == 0 || check.body_bytes > limit) std::abort();
            if (head->method != "POST" || head->target != "/tlsrpt") std::abort();
            break;
        case 400:
        case 404:
        case 405:
        case 411:
        case 413:
        case 415:
            if (check.why.empty()) std::abort();
            break;
        default:
            std::abort();
    }
    return 0;
}
