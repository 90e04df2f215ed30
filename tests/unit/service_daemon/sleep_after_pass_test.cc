// The daemon's sleep after a pass: a wall clock that jumps during the pass never makes it sleep
// past what the pass planned (seen in the fault campaign: the clock set back 2 h while the
// primary was stopped gave a 7200 s sleep instead of the 5 s propagation poll).
#include <gtest/gtest.h>

#include "base/clock.h"
#include "service/daemon/daemon.h"

namespace dk::service {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);
const Seconds idle{3600};

TEST(SleepAfterPass, NoJumpSleepsUntilThePlannedWake) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    clock.advance(Seconds{20});
    const TimePoint wake = clock.now() + Seconds{5};
    EXPECT_EQ(sleep_after_pass(wake, started, read_clock(clock), idle), Seconds{5});
}

// Whole seconds, rounded up: rounded down, a step due in 1.6 s woke the daemon 0.6 s early, into
// a pass that found nothing due and slept again.
TEST(SleepAfterPass, NeverWakesBeforeTheStepIsDue) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    clock.advance(std::chrono::milliseconds(400));
    const TimePoint wake = t0 + Seconds{2};
    EXPECT_EQ(sleep_after_pass(wake, started, read_clock(clock), idle), Seconds{2});
    clock.advance(std::chrono::milliseconds(1500));  // 100 ms to go
    EXPECT_EQ(sleep_after_pass(wake, started, read_clock(clock), idle), Seconds{1});
}

TEST(SleepAfterPass, ClockSetBackAfterThePollWasPlannedDoesNotSleepTheJump) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    clock.advance(Seconds{20});
    const TimePoint wake = clock.now() + Seconds{5};  // the propagation poll, planned...
    clock.jump_wall(-std::chrono::hours(2));          // ...then NTP sets the clock back
    clock.advance(Seconds{3});
    EXPECT_EQ(sleep_after_pass(wake, started, read_clock(clock), idle), Seconds{2});
}

TEST(SleepAfterPass, ClockSetBackBeforeThePollWasPlannedSleepsAtLeastOneSecond) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    clock.jump_wall(-std::chrono::hours(2));
    clock.advance(Seconds{20});
    const TimePoint wake = clock.now() + Seconds{5};  // planned in the new frame: too early is fine
    const auto left = sleep_after_pass(wake, started, read_clock(clock), idle);
    EXPECT_GE(left, Seconds{1});
    EXPECT_LE(left, Seconds{5});
}

TEST(SleepAfterPass, ClockSetForwardDuringThePassWakesNoLaterThanPlanned) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    const TimePoint wake = clock.now() + Seconds{30};
    clock.jump_wall(std::chrono::hours(1));
    clock.advance(Seconds{10});
    EXPECT_EQ(sleep_after_pass(wake, started, read_clock(clock), idle), Seconds{1});
}

TEST(SleepAfterPass, NeverLongerThanTheIdleSleepNorShorterThanOneSecond) {
    FakeClock clock(t0);
    const auto started = read_clock(clock);
    EXPECT_EQ(sleep_after_pass(t0 + std::chrono::hours(30), started, read_clock(clock), idle),
              idle);
    EXPECT_EQ(sleep_after_pass(t0 - std::chrono::hours(1), started, read_clock(clock), idle),
              Seconds{1});
}

TEST(SleepAfterPass, AcrossARebootOrWithoutMonotonicClockTheWallClockAloneCounts) {
    FakeClock clock(t0);
    auto started = read_clock(clock);
    started.monotonic.reset();
    clock.advance(Seconds{10});
    EXPECT_EQ(sleep_after_pass(clock.now() + Seconds{7}, started, read_clock(clock), idle),
              Seconds{7});
    started = read_clock(clock);
    clock.reboot(Seconds{60});
    EXPECT_EQ(sleep_after_pass(clock.now() + Seconds{7}, started, read_clock(clock), idle),
              Seconds{7});
}

}  // namespace
}  // namespace dk::service
