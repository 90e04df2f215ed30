#include "acme/retry.h"

#include <algorithm>
#include <ctime>
#include <string>

#include "base/curl_library.h"
#include "base/strings.h"

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

// An HTTP-date in any of the three forms RFC 9110 section 5.6.7 asks recipients to read
// ("Sun, 06 Nov 1994 08:49:37 GMT", the RFC 850 and the asctime forms), read by libcurl; a
// time before 1970 or after latest_plausible_year is no answer.
std::optional<TimePoint> http_date(const std::string& text) {
    const auto libcurl = curl::library();
    if (!libcurl) return std::nullopt;  // the answer came over libcurl: not reached
    const std::time_t t = (*libcurl)->getdate(text.c_str(), nullptr);
    const auto latest = std::chrono::sys_days{std::chrono::year{latest_plausible_year + 1} /
                                              std::chrono::January / 1} -
                        Seconds{1};
    if (t < 0 || t > unix_seconds(latest)) return std::nullopt;
    return from_unix_seconds(static_cast<long long>(t));
}

}  // namespace

std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now) {
    value = trim(value);
    if (auto seconds = number(value)) return now + Seconds{*seconds};
    return http_date(std::string(value));
}

TimePoint retry_hold(TimePoint named, TimePoint now) {
    return std::min(named, now + max_retry_hold);
}

Seconds refusal_backoff(int refusals) {
    Seconds delay = first_refusal_backoff;
    for (int i = 1; i < refusals && delay < max_refusal_backoff; ++i) delay *= 2;
    return std::min(delay, max_refusal_backoff);
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
