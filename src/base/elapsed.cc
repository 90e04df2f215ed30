#include "base/elapsed.h"

#include <algorithm>
#include <charconv>
#include <vector>

namespace dk {
namespace {

std::optional<long long> parse_count(std::string_view text) {
    long long value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value < 0) return std::nullopt;
    return value;
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const auto space = text.find(' ');
        out.push_back(text.substr(0, space));
        if (space == std::string_view::npos) break;
        text.remove_prefix(space + 1);
    }
    return out;
}

}  // namespace

MonotonicMark start_mark(const MonotonicReading& now) {
    return MonotonicMark{now.boot_id, now.since_boot, Seconds{0}, true};
}

MonotonicMark advance_mark(MonotonicMark mark, const MonotonicReading& now) {
    if (now.boot_id == mark.boot_id && now.since_boot >= mark.reading) {
        mark.counted += now.since_boot - mark.reading;
    } else {
        mark.unbroken = false;
    }
    mark.boot_id = now.boot_id;
    mark.reading = now.since_boot;
    return mark;
}

Seconds monotonic_remaining(Seconds needed, const std::optional<MonotonicMark>& mark) {
    if (!mark) return Seconds{0};
    return std::max(Seconds{0}, needed - mark->counted);
}

bool wait_over(TimePoint start, Seconds needed, const std::optional<MonotonicMark>& mark,
               TimePoint now) {
    const bool wall_over = now >= start + needed;
    if (!mark) return wall_over;
    return mark->counted >= needed && (wall_over || mark->unbroken);
}

TimePoint wait_end(TimePoint start, Seconds needed, const std::optional<MonotonicMark>& mark,
                   TimePoint now) {
    if (wait_over(start, needed, mark, now)) return now;
    const TimePoint by_monotonic = now + monotonic_remaining(needed, mark);
    if (mark && mark->unbroken) return by_monotonic;
    return std::max(by_monotonic, start + needed);
}

std::string mark_text(const MonotonicMark& mark) {
    return mark.boot_id + " " + std::to_string(mark.reading.count()) + " " +
           std::to_string(mark.counted.count()) + " " + (mark.unbroken ? "1" : "0");
}

std::optional<MonotonicMark> parse_mark(std::string_view text) {
    const auto fields = words(text);
    if (fields.size() != 4 || fields[0].empty()) return std::nullopt;
    const auto reading = parse_count(fields[1]);
    const auto counted = parse_count(fields[2]);
    if (!reading || !counted || (fields[3] != "0" && fields[3] != "1")) return std::nullopt;
    return MonotonicMark{std::string(fields[0]), Seconds{*reading}, Seconds{*counted},
                         fields[3] == "1"};
}

}  // namespace dk
