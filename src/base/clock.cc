#include "base/clock.h"

#include <time.h>

#include <ctime>
#include <fstream>

namespace dk {
namespace {

// The number in text[pos, pos + n) when it is all digits; -1 otherwise.
int digits(std::string_view text, std::size_t pos, std::size_t n) {
    if (pos + n > text.size()) return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

// The offset from UTC in seconds at text[pos...] ("Z", "+02:00", "-05:30") when it ends the
// text; nullopt otherwise.
std::optional<long long> utc_offset(std::string_view text, std::size_t pos) {
    if (pos + 1 == text.size() && (text[pos] == 'Z' || text[pos] == 'z')) return 0;
    if (pos + 6 != text.size() || (text[pos] != '+' && text[pos] != '-') || text[pos + 3] != ':')
        return std::nullopt;
    const int hours = digits(text, pos + 1, 2), minutes = digits(text, pos + 4, 2);
    if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) return std::nullopt;
    return (text[pos] == '+' ? 1 : -1) * (hours * 3600LL + minutes * 60LL);
}

}  // namespace

std::string iso_time(TimePoint t) {
    const std::time_t s = static_cast<std::time_t>(unix_seconds(t));
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
    if (text.size() < 20 || text[4] != '-' || text[7] != '-' ||
        (text[10] != 'T' && text[10] != 't') || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    const int year = digits(text, 0, 4), month = digits(text, 5, 2), day = digits(text, 8, 2);
    const int hour = digits(text, 11, 2), minute = digits(text, 14, 2),
              second = digits(text, 17, 2);
    if (year < 1970 || year > latest_plausible_year || month < 1 || day < 1 || hour < 0 ||
        hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60)
        return std::nullopt;
    const std::chrono::year_month_day date{std::chrono::year{year},
                                           std::chrono::month{static_cast<unsigned>(month)},
                                           std::chrono::day{static_cast<unsigned>(day)}};
    if (!date.ok()) return std::nullopt;  // month 13, February 30th
    std::size_t pos = 19;
    if (text[pos] == '.') {
        const std::size_t first = ++pos;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
        if (pos == first || pos == text.size()) return std::nullopt;
    }
    const auto offset = utc_offset(text, pos);
    if (!offset) return std::nullopt;
    const Seconds time_of_day{hour * 3600LL + minute * 60LL + second - *offset};
    return TimePoint{std::chrono::sys_days{date} + time_of_day};
}

namespace {

// The boot id never changes while we run: read once. Empty when /proc does not give one.
std::string read_boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    if (!in || !std::getline(in, id) || id.size() != 36) return {};
    return id;
}

}  // namespace

const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

std::optional<MonotonicReading> SystemClock::monotonic() const {
    static const std::string boot_id = read_boot_id();
    timespec ts{};
    if (boot_id.empty() || clock_gettime(CLOCK_BOOTTIME, &ts) != 0) return std::nullopt;
    return MonotonicReading{boot_id, Seconds{ts.tv_sec}};
}

}  // namespace dk
