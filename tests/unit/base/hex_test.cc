#include "base/hex.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

TEST(Hex, RoundTrip) {
    const Bytes bytes{0x00, 0x7f, 0x80, 0xff};
    EXPECT_EQ(to_hex(bytes), "007f80ff");
    EXPECT_EQ(from_hex("007F80ff"), bytes);
}

TEST(Hex, SkipsWhitespaceRefusesJunk) {
    EXPECT_EQ(from_hex("00 7f\n80ff"), (Bytes{0x00, 0x7f, 0x80, 0xff}));
    EXPECT_FALSE(from_hex("0").has_value());
    EXPECT_FALSE(from_hex("0g").has_value());
    EXPECT_EQ(from_hex(""), Bytes{});
}

}  // namespace
}  // namespace dk
