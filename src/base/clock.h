// The clock is read once per decision and passed in; tests use FakeClock.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dk {

using TimePoint = std::chrono::system_clock::time_point;
using Seconds = std::chrono::seconds;

// A reading of the clock nobody can set: CLOCK_BOOTTIME (it counts suspended time too) on the
// boot named by /proc/sys/kernel/random/boot_id. Readings of one boot can be subtracted.
struct MonotonicReading {
    std::string boot_id;
    Seconds since_boot{};
    friend bool operator==(const MonotonicReading&, const MonotonicReading&) = default;
};

class Clock {
  public:
    virtual ~Clock() = default;
    [[nodiscard]] virtual TimePoint now() const = 0;
    // nullopt when the system gives none (no boot id): waits then count on the wall clock alone.
    [[nodiscard]] virtual std::optional<MonotonicReading> monotonic() const = 0;
};

class SystemClock final : public Clock {
  public:
    [[nodiscard]] TimePoint now() const override { return std::chrono::system_clock::now(); }
    [[nodiscard]] std::optional<MonotonicReading> monotonic() const override;
};

// The one SystemClock of the process (it holds no state).
const Clock& system_clock();

// Time passing moves both clocks (advance); jump_wall moves the wall clock alone, as an operator
// or a bad NTP server would; reboot starts a new boot whose monotonic clock starts again.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(TimePoint start) : now_(start) {}
    [[nodiscard]] TimePoint now() const override { return now_; }
    [[nodiscard]] std::optional<MonotonicReading> monotonic() const override {
        return MonotonicReading{boot_id_, std::chrono::duration_cast<Seconds>(since_boot_)};
    }
    void advance(std::chrono::system_clock::duration d) {
        now_ += d;
        since_boot_ += d;
    }
    void jump_wall(std::chrono::system_clock::duration d) { now_ += d; }
    void set(TimePoint t) { now_ = t; }  // the wall clock alone, like jump_wall
    // The machine is off for `down`, then boots again.
    void reboot(Seconds down) {
        now_ += down;
        boot_id_ = "fake-boot-" + std::to_string(++boots_);
        since_boot_ = Seconds{5};
    }

  private:
    TimePoint now_;
    std::string boot_id_ = "fake-boot-0";
    std::chrono::system_clock::duration since_boot_ = Seconds{1000};
    int boots_ = 0;
};

inline long long unix_seconds(TimePoint t) {
    return std::chrono::duration_cast<Seconds>(t.time_since_epoch()).count();
}
inline TimePoint from_unix_seconds(long long s) {
    return TimePoint{Seconds{s}};
}

// The latest year a date read from outside (a CA's answer) may have: later ones are not
// plausible, and past 2262 they overflow TimePoint's nanoseconds.
inline constexpr int latest_plausible_year = 2200;

// RFC 3339 in UTC to the second: 2026-11-24T12:00:00Z.
std::string iso_time(TimePoint t);

// An RFC 3339 date-time: "2026-11-24T12:00:00Z", "2026-11-24t14:00:00.25+02:00". Fractions are
// dropped; a leap second (:60) counts as the second after :59. nullopt for anything else, a day
// the month does not have, or a year outside 1970..latest_plausible_year.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

}  // namespace dk
