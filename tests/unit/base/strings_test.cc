#include "base/strings.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

TEST(Strings, LowerAndUpperTouchAsciiLettersOnly) {
    EXPECT_EQ(lower("Mx1.Example.TEST."), "mx1.example.test.");
    EXPECT_EQ(upper("starttls 8bitmime"), "STARTTLS 8BITMIME");
    EXPECT_EQ(lower(""), "");
    EXPECT_EQ(lower("\xc3\x84-_0"), "\xc3\x84-_0");  // bytes above ASCII stay as they are
}

TEST(Strings, IequalsIgnoresAsciiCaseOnly) {
    EXPECT_TRUE(iequals("DANE-EE", "dane-ee"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("SPKI", "SPK"));
    EXPECT_FALSE(iequals("\xc3\x84", "\xc3\xa4"));
}

TEST(Strings, TrimTakesWhiteSpaceFromBothEnds) {
    EXPECT_EQ(trim("  Retry-After:\t120 \r\n"), "Retry-After:\t120");
    EXPECT_EQ(trim("\v\f x \f"), "x");
    EXPECT_EQ(trim(" \t\r\n"), "");
    EXPECT_EQ(trim(""), "");
}

TEST(Strings, JoinPutsTheSeparatorBetweenParts) {
    EXPECT_EQ(join({}, ", "), "");
    EXPECT_EQ(join({"mx1"}, ", "), "mx1");
    EXPECT_EQ(join({"mx1", "mx2", "mx3"}, ", "), "mx1, mx2, mx3");
    EXPECT_EQ(join({"", "a"}, "; "), "; a");
}

TEST(Strings, AbsoluteNameEndsInOneDot) {
    EXPECT_EQ(absolute_name("example.test"), "example.test.");
    EXPECT_EQ(absolute_name("example.test."), "example.test.");
    EXPECT_EQ(absolute_name(""), ".");
    EXPECT_EQ(absolute_name("."), ".");
    EXPECT_EQ(absolute_name("a\\."), "a\\.");  // an escaped dot is still the last character
    EXPECT_EQ(absolute_name("Example.TEST"), "Example.TEST.");  // case is the caller's choice
}

TEST(Strings, RelativeNameDropsOneTrailingDot) {
    EXPECT_EQ(relative_name("example.test."), "example.test");
    EXPECT_EQ(relative_name("example.test"), "example.test");
    EXPECT_EQ(relative_name("."), ".");
    EXPECT_EQ(relative_name(""), "");
}

TEST(Strings, PrintableEscapesEveryByteOutsidePrintableAscii) {
    EXPECT_EQ(printable("220 mx.example.net ESMTP ~"), "220 mx.example.net ESMTP ~");
    EXPECT_EQ(printable("\x1b[2J\r\n\t\x7f\x9b\xc3\xa9"),
              "\\x1b[2J\\x0d\\x0a\\x09\\x7f\\x9b\\xc3\\xa9");
    EXPECT_EQ(printable(std::string_view("a\0b", 3)), "a\\x00b");
    EXPECT_EQ(printable(printable("\x1b")), "\\x1b");  // escaping twice changes nothing
}

}  // namespace
}  // namespace dk
