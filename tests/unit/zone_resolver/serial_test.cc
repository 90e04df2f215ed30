// RFC 1982 serial arithmetic with SERIAL_BITS 32.
#include "zone/resolver/serial.h"

#include <gtest/gtest.h>

namespace dk::zone {
namespace {

TEST(SerialAtLeast, EqualAndAhead) {
    EXPECT_TRUE(serial_at_least(5, 5));
    EXPECT_TRUE(serial_at_least(6, 5));
    EXPECT_FALSE(serial_at_least(4, 5));
}

TEST(SerialAtLeast, AcrossTheWrap) {
    EXPECT_TRUE(serial_at_least(2, 0xfffffff0U));
    EXPECT_FALSE(serial_at_least(0xfffffff0U, 2));
    EXPECT_TRUE(serial_at_least(0, 0xffffffffU));
}

TEST(SerialAtLeast, HalfTheSpaceApartIsNeitherWay) {
    // RFC 1982 3.2: serials 2^31 apart are not comparable; neither counts as "at least" the other.
    EXPECT_FALSE(serial_at_least(0x80000000U, 0));
    EXPECT_FALSE(serial_at_least(0, 0x80000000U));
    EXPECT_TRUE(serial_at_least(0x7fffffffU, 0));
}

}  // namespace
}  // namespace dk::zone
