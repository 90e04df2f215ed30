#include "acme/retry.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <string>

namespace dk::acme {
namespace {

// At most 9 digits: a delay of more than 31 years is not a delay, and a larger one would overflow
// the clock's nanosecond range (years after 2262).
std::optional<long long> number(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<TimePoint> http_date(std::string_view s) {
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (s.size() != 29 || s.substr(3, 2) != ", " || s.substr(25) != " GMT") return std::nullopt;
    auto day = number(s.substr(5, 2)), year = number(s.substr(12, 4));
    auto hour = number(s.substr(17, 2)), minute = number(s.substr(20, 2)),
         second = number(s.substr(23, 2));
    const auto month = std::find(months.begin(), months.end(), s.substr(8, 3));
    if (!day || !year || !hour || !minute || !second || month == months.end() || s[19] != ':' ||
        s[22] != ':' || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || *second > 60 ||
        *year < 1970 || *year > latest_plausible_year)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = static_cast<int>(*year) - 1900;
    tm.tm_mon = static_cast<int>(month - months.begin());
    tm.tm_mday = static_cast<int>(*day);
    tm.tm_hour = static_cast<int>(*hour);
    tm.tm_min = static_cast<int>(*minute);
    tm.tm_sec = static_cast<int>(*second);
    return from_unix_seconds(static_cast<long long>(timegm(&tm)));
}

}  // namespace

std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                              value.back() == '\n'))
        value.remove_suffix(1);
    if (auto seconds = number(value)) return now + Seconds{*seconds};
    return http_date(value);
}

Seconds retry_delay(std::optional<TimePoint> retry_after, int attempt, TimePoint now,
                    const Backoff& backoff) {
    if (retry_after && *retry_after > now) {
        const auto wait = std::chrono::ceil<Seconds>(*retry_after - now);
        return std::clamp(wait, backoff.floor, backoff.ceiling);
    }
    Seconds delay = backoff.floor;
    for (int i = 0; i < attempt && delay < backoff.ceiling; ++i) delay *= 2;
    return std::clamp(delay, backoff.floor, backoff.ceiling);
}

}  // namespace dk::acme
