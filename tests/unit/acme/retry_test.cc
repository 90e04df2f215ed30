#include "acme/retry.h"

#include <gtest/gtest.h>

namespace dk::acme {
namespace {

const TimePoint now = from_unix_seconds(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT

TEST(RefusalBackoff, MinutesGrowingToAnHour) {
    EXPECT_EQ(refusal_backoff(0), Seconds{120});
    EXPECT_EQ(refusal_backoff(1), Seconds{120});
    EXPECT_EQ(refusal_backoff(2), Seconds{240});
    EXPECT_EQ(refusal_backoff(3), Seconds{480});
    EXPECT_EQ(refusal_backoff(5), Seconds{1920});
    EXPECT_EQ(refusal_backoff(6), Seconds{3600});
    EXPECT_EQ(refusal_backoff(1000000), Seconds{3600});
}

TEST(RetryAfter, SecondsAndHttpDate) {
    EXPECT_EQ(parse_retry_after("120", now), now + Seconds{120});
    EXPECT_EQ(parse_retry_after(" 5\r\n", now), now + Seconds{5});
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), now);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:50:37 GMT", now), now + Seconds{60});
    EXPECT_FALSE(parse_retry_after("", now));
    EXPECT_FALSE(parse_retry_after("-1", now));
    EXPECT_FALSE(parse_retry_after("soon", now));
    EXPECT_FALSE(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now));
}

// Found by fuzz.acme_json: far-future times overflowed the clock's nanoseconds (UBSan).
TEST(RetryAfter, ImplausiblyFarIsRefusedNotOverflowed) {
    EXPECT_EQ(parse_retry_after("999999999", now), now + Seconds{999999999});
    EXPECT_FALSE(parse_retry_after("9999999999", now));
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 4052 08:49:37 GMT", now));
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1900 08:49:37 GMT", now));
}

// RFC 9110 section 5.6.7: a recipient reads the obsolete RFC 850 and asctime forms too.
TEST(RetryAfter, ReadsEveryHttpDateForm) {
    EXPECT_EQ(parse_retry_after("Sunday, 06-Nov-94 08:50:37 GMT", now), now + Seconds{60});
    EXPECT_EQ(parse_retry_after("Sun Nov  6 08:50:37 1994", now), now + Seconds{60});
    EXPECT_EQ(parse_retry_after("\tSun, 06 Nov 1994 08:50:37 GMT \r\n", now), now + Seconds{60});
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 25:49:37 GMT", now));
    EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 08:49:37 GMT", now));  // no year
}

TEST(RetryAfter, KeepsTheYearsBetween1970And2200) {
    EXPECT_EQ(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now), from_unix_seconds(0));
    EXPECT_FALSE(parse_retry_after("Tue, 30 Dec 1969 00:00:00 GMT", now));
    EXPECT_EQ(parse_retry_after("Wed, 31 Dec 2200 23:59:59 GMT", now),
              from_unix_seconds(7289654399));
    EXPECT_FALSE(parse_retry_after("Thu, 01 Jan 2201 00:00:00 GMT", now));
}

TEST(RetryDelay, FollowsRetryAfterWithinBounds) {
    EXPECT_EQ(retry_delay(now + Seconds{7}, 0, now), Seconds{7});
    EXPECT_EQ(retry_delay(now + Seconds{3600}, 0, now), Seconds{60});  // ceiling
    EXPECT_EQ(retry_delay(now, 0, now), Seconds{1});                   // never zero
    EXPECT_EQ(retry_delay(now - Seconds{30}, 0, now), Seconds{1});     // in the past: backoff
}

TEST(RetryDelay, ExponentialBackoffWithoutRetryAfter) {
    EXPECT_EQ(retry_delay(std::nullopt, 0, now), Seconds{1});
    EXPECT_EQ(retry_delay(std::nullopt, 1, now), Seconds{2});
    EXPECT_EQ(retry_delay(std::nullopt, 3, now), Seconds{8});
    EXPECT_EQ(retry_delay(std::nullopt, 50, now), Seconds{60});
    EXPECT_EQ(retry_delay(std::nullopt, 2, now, {Seconds{5}, Seconds{30}}), Seconds{20});
}

}  // namespace
}  // namespace dk::acme
