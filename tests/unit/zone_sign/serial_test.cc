// SOA serials: greater than the file's and the last published (RFC 1982), Unix time when that is
// greater, else one more.
#include "zone/sign/serial.h"

#include <gtest/gtest.h>

namespace dk::zone::sign {
namespace {

const TimePoint now = from_unix_seconds(1'800'000'000);

TEST(Serial, UnixTimeWhenItIsAhead) {
    EXPECT_EQ(next_serial(1, std::nullopt, SerialPolicy::unixtime, now), 1'800'000'000u);
    EXPECT_EQ(next_serial(1, 1'700'000'000u, SerialPolicy::unixtime, now), 1'800'000'000u);
}

TEST(Serial, OneMoreWhenTheFileOrTheLastPublishedIsAhead) {
    // A date serial (YYYYMMDDnn) is bigger than today's Unix time.
    EXPECT_EQ(next_serial(2025112401, std::nullopt, SerialPolicy::unixtime, now), 2025112402u);
    EXPECT_EQ(next_serial(1, 1'800'000'000u, SerialPolicy::unixtime, now), 1'800'000'001u);
    EXPECT_EQ(next_serial(2025112401, 2025112405, SerialPolicy::unixtime, now), 2025112406u);
}

TEST(Serial, IncrementIgnoresTheClock) {
    EXPECT_EQ(next_serial(7, std::nullopt, SerialPolicy::increment, now), 8u);
    EXPECT_EQ(next_serial(7, 9, SerialPolicy::increment, now), 10u);
    EXPECT_EQ(next_serial(9, 7, SerialPolicy::increment, now), 10u);
}

TEST(Serial, WrapsInSerialArithmetic) {
    EXPECT_TRUE(serial_greater(1, 0xffffffffu));
    EXPECT_FALSE(serial_greater(0xffffffffu, 1));
    EXPECT_EQ(next_serial(0xffffffffu, std::nullopt, SerialPolicy::increment, now), 1u);
    // The last published serial wrapped past the file's: it counts as greater.
    EXPECT_EQ(next_serial(0xfffffff0u, 5, SerialPolicy::increment, now), 6u);
}

TEST(Serial, PolicyNames) {
    EXPECT_EQ(parse_serial_policy("unixtime"), SerialPolicy::unixtime);
    EXPECT_EQ(parse_serial_policy("increment"), SerialPolicy::increment);
    EXPECT_FALSE(parse_serial_policy("date").has_value());
}

}  // namespace
}  // namespace dk::zone::sign
