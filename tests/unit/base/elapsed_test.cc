// Waits counted on the wall clock and the monotonic clock (base/elapsed.h).
#include "base/elapsed.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);
const Seconds hour{3600};

MonotonicReading on(const std::string& boot, long long s) {
    return MonotonicReading{boot, Seconds{s}};
}

TEST(Elapsed, TheCountAddsTimeOnOneBootOnly) {
    MonotonicMark m = start_mark(on("a", 100));
    m = advance_mark(m, on("a", 700));
    EXPECT_EQ(m.counted, Seconds{600});
    EXPECT_TRUE(m.unbroken);
    m = advance_mark(m, on("b", 50));  // a reboot: the time since the last reading is lost
    EXPECT_EQ(m.counted, Seconds{600});
    EXPECT_FALSE(m.unbroken);
    m = advance_mark(m, on("b", 80));
    EXPECT_EQ(m.counted, Seconds{630});
    m = advance_mark(m, on("b", 10));  // a reading that went back counts nothing
    EXPECT_EQ(m.counted, Seconds{630});
}

TEST(Elapsed, BothClocksMustAgreeUnlessTheCountIsUnbroken) {
    const MonotonicMark half{"a", Seconds{0}, hour / 2, true};
    const MonotonicMark full{"a", Seconds{0}, hour, true};
    MonotonicMark full_rebooted = full;
    full_rebooted.unbroken = false;
    EXPECT_FALSE(wait_over(t0, hour, half, t0 + 24 * hour));  // wall set forward a day
    EXPECT_EQ(wait_end(t0, hour, half, t0 + 24 * hour), t0 + 24 * hour + hour / 2);
    EXPECT_TRUE(wait_over(t0, hour, full, t0 - 48 * hour));  // wall set back, count unbroken
    EXPECT_FALSE(wait_over(t0, hour, full_rebooted, t0 - 48 * hour));
    EXPECT_EQ(wait_end(t0, hour, full_rebooted, t0 - 48 * hour), t0 + hour);
    EXPECT_TRUE(wait_over(t0, hour, full_rebooted, t0 + hour));
    EXPECT_TRUE(wait_over(t0, hour, std::nullopt, t0 + hour));  // no monotonic clock: the wall
    EXPECT_FALSE(wait_over(t0, hour, std::nullopt, t0 + hour - Seconds{1}));
}

TEST(Elapsed, MarksRoundTripAsTextAndRefuseAnythingElse) {
    const MonotonicMark m{"5e1b0c2a-9d7f-4e3b-8a6c-1f2e3d4c5b6a", Seconds{123}, Seconds{45}, false};
    EXPECT_EQ(parse_mark(mark_text(m)), m);
    for (const char* bad : {"", "a 1 2", "a 1 2 2", "a -1 2 1", "a 1 2 1 x", " 1 2 1", "a 1 2x 1"})
        EXPECT_FALSE(parse_mark(bad)) << bad;
}

TEST(Elapsed, TheSystemClockReadsTheBootAndACountingClock) {
    const auto a = SystemClock().monotonic();
    ASSERT_TRUE(a) << "no /proc/sys/kernel/random/boot_id";
    EXPECT_EQ(a->boot_id.size(), 36U);
    const auto b = SystemClock().monotonic();
    EXPECT_EQ(a->boot_id, b->boot_id);
    EXPECT_GE(b->since_boot, a->since_boot);
}

}  // namespace
}  // namespace dk
