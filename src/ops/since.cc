#include "ops/since.h"

#include <charconv>
#include <optional>
#include <string>

namespace dk::ops {
namespace {

std::optional<long long> whole_number(std::string_view text) {
    long long value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < 0) return std::nullopt;
    return value;
}

}  // namespace

Result<TimePoint> parse_since(std::string_view text, TimePoint now) {
    const auto bad = [&] {
        return Error::bad_input("--since: '" + std::string(text) +
                                "' is not a time (2026-11-24T12:00:00Z, Unix seconds, or an age "
                                "such as 90s, 30m, 12h, 7d)");
    };
    if (text.empty()) return bad();
    // UTC only (2026-11-24T12:00:00Z): an export boundary is read in the log's own zone.
    if (text.size() == 20 && text.back() == 'Z') {
        if (auto t = parse_rfc3339(text)) return *t;
    }
    if (auto n = whole_number(text)) return from_unix_seconds(*n);
    const char unit = text.back();
    const auto n = whole_number(text.substr(0, text.size() - 1));
    if (!n || *n > 36500LL * 86400) return bad();
    long long seconds = 0;
    switch (unit) {
        case 's':
            seconds = *n;
            break;
        case 'm':
            seconds = *n * 60;
            break;
        case 'h':
            seconds = *n * 3600;
            break;
        case 'd':
            seconds = *n * 86400;
            break;
        default:
            return bad();
    }
    return now - Seconds{seconds};
}

}  // namespace dk::ops
