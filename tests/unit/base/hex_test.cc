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

TEST(Hex, AppendsLowerCase) {
    std::string out = "60485 5 1 ";
    append_hex(out, std::string("\x2b\xb1\x83\xaf", 4));
    EXPECT_EQ(out, "60485 5 1 2bb183af");
    append_hex(out, "");
    EXPECT_EQ(out, "60485 5 1 2bb183af");
    EXPECT_EQ(to_hex(nullptr, 0), "");
}

TEST(Hex, DigitValues) {
    EXPECT_EQ(hex_digit_value('0'), 0);
    EXPECT_EQ(hex_digit_value('9'), 9);
    EXPECT_EQ(hex_digit_value('a'), 10);
    EXPECT_EQ(hex_digit_value('F'), 15);
    for (const char c : {'g', 'G', ' ', '/', ':', '@', '`', '\0'})
        EXPECT_EQ(hex_digit_value(c), -1) << c;
}

}  // namespace
}  // namespace dk
