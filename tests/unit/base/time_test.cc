// iso_time and parse_rfc3339 (base/clock.h).
#include <gtest/gtest.h>

#include "base/clock.h"

namespace dk {
namespace {

const TimePoint noon = from_unix_seconds(1795521600);  // 2026-11-24T12:00:00Z

TEST(Rfc3339, ReadsUtcAndOffsets) {
    EXPECT_EQ(parse_rfc3339("1970-01-01T00:00:00Z"), from_unix_seconds(0));
    EXPECT_EQ(parse_rfc3339("2026-11-24T12:00:00Z"), noon);
    EXPECT_EQ(parse_rfc3339("2026-11-24t12:00:00z"), noon);
    EXPECT_EQ(parse_rfc3339("2026-11-24T14:00:00+02:00"), noon);
    EXPECT_EQ(parse_rfc3339("2026-11-24T06:30:00-05:30"), noon);
    EXPECT_EQ(parse_rfc3339("2026-11-25T00:00:00+12:00"), noon);  // the day before in UTC
    EXPECT_EQ(parse_rfc3339("2026-11-24T12:00:00+00:00"), noon);
}

TEST(Rfc3339, DropsFractions) {
    EXPECT_EQ(parse_rfc3339("2026-11-24T12:00:00.25Z"), noon);
    EXPECT_EQ(parse_rfc3339("2026-11-24T12:00:00.999999999+00:00"), noon);
    EXPECT_FALSE(parse_rfc3339("2026-11-24T12:00:00.Z"));
    EXPECT_FALSE(parse_rfc3339("2026-11-24T12:00:00.5"));
    EXPECT_FALSE(parse_rfc3339("2026-11-24T12:00:00,5Z"));
}

TEST(Rfc3339, CountsLeapDaysAndALeapSecond) {
    EXPECT_EQ(parse_rfc3339("2028-02-29T00:00:00Z"), from_unix_seconds(1835395200));
    EXPECT_EQ(parse_rfc3339("2000-02-29T00:00:00Z"), from_unix_seconds(951782400));
    EXPECT_FALSE(parse_rfc3339("2026-02-29T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("2100-02-29T00:00:00Z"));  // a century that is no leap year
    EXPECT_FALSE(parse_rfc3339("2026-04-31T00:00:00Z"));
    // 2016-12-31T23:59:60Z was a leap second; it reads as the second after 23:59:59.
    EXPECT_EQ(parse_rfc3339("2016-12-31T23:59:60Z"), from_unix_seconds(1483228800));
    EXPECT_FALSE(parse_rfc3339("2016-12-31T23:59:61Z"));
}

TEST(Rfc3339, RefusesWhatIsNoDateTime) {
    for (const char* text :
         {"", "2026-11-24", "2026-11-24 12:00:00Z", "2026-11-24T12:00:00", "2026-11-24T12:00Z",
          "2026-13-24T12:00:00Z", "2026-00-24T12:00:00Z", "2026-11-00T12:00:00Z",
          "2026-11-24T24:00:00Z", "2026-11-24T12:60:00Z", "2026-11-24T12:00:00+2:00",
          "2026-11-24T12:00:00+24:00", "2026-11-24T12:00:00+02:60", "2026-11-24T12:00:00+0200",
          "2026-11-24T12:00:00Zjunk", "+026-11-24T12:00:00Z", "2026-1a-24T12:00:00Z"}) {
        EXPECT_FALSE(parse_rfc3339(text)) << text;
    }
}

// Later years are not plausible for a CA's answer and, past 2262, overflow TimePoint.
TEST(Rfc3339, KeepsTheYearsBetween1970And2200) {
    EXPECT_TRUE(parse_rfc3339("2200-12-31T23:59:59Z"));
    EXPECT_FALSE(parse_rfc3339("2201-01-01T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("4052-12-01T00:00:00Z"));
    EXPECT_FALSE(parse_rfc3339("1969-12-31T23:59:59Z"));
}

TEST(IsoTime, WritesUtcToTheSecond) {
    EXPECT_EQ(iso_time(noon), "2026-11-24T12:00:00Z");
    EXPECT_EQ(iso_time(noon + std::chrono::milliseconds(999)), "2026-11-24T12:00:00Z");
    EXPECT_EQ(parse_rfc3339(iso_time(noon)), noon);
}

}  // namespace
}  // namespace dk
