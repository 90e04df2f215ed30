#include "base/clock.h"

#include <ctime>

namespace dk {

std::string iso_time(TimePoint t) {
    const std::time_t s = static_cast<std::time_t>(unix_seconds(t));
    std::tm tm{};
    gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

}  // namespace dk
