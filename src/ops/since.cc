#include "ops/since.h"

#include <charconv>
#include <ctime>
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

std::optional<TimePoint> rfc3339_utc(std::string_view text) {
    if (text.size() != 20 || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
        text[13] != ':' || text[16] != ':' || text[19] != 'Z')
        return std::nullopt;
    auto field = [&](std::size_t at, std::size_t len) {
        return whole_number(text.substr(at, len));
    };
    const auto y = field(0, 4), mo = field(5, 2), d = field(8, 2), h = field(11, 2),
               mi = field(14, 2), s = field(17, 2);
    if (!y || !mo || !d || !h || !mi || !s || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 ||
        *mi > 59 || *s > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(*y - 1900);
    tm.tm_mon = static_cast<int>(*mo - 1);
    tm.tm_mday = static_cast<int>(*d);
    tm.tm_hour = static_cast<int>(*h);
    tm.tm_min = static_cast<int>(*mi);
    tm.tm_sec = static_cast<int>(*s);
    const std::time_t t = ::timegm(&tm);
    if (tm.tm_mday != *d) return std::nullopt;  // 2026-02-31 rolled over
    return from_unix_seconds(t);
}

}  // namespace

Result<TimePoint> parse_since(std::string_view text, TimePoint now) {
    const auto bad = [&] {
        return Error::bad_input("--since: '" + std::string(text) +
                                "' is not a time (2026-11-24T12:00:00Z, Unix seconds, or an age "
                                "such as 90s, 30m, 12h, 7d)");
    };
    if (text.empty()) return bad();
    if (auto t = rfc3339_utc(text)) return *t;
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
