#include "base/base64.h"

#include <gtest/gtest.h>

#include <string>

namespace dk {
namespace {

// RFC 4648 section 10 vectors, without padding.
TEST(Base64url, Rfc4648Vectors) {
    EXPECT_EQ(base64url(""), "");
    EXPECT_EQ(base64url("f"), "Zg");
    EXPECT_EQ(base64url("fo"), "Zm8");
    EXPECT_EQ(base64url("foo"), "Zm9v");
    EXPECT_EQ(base64url("foob"), "Zm9vYg");
    EXPECT_EQ(base64url("fooba"), "Zm9vYmE");
    EXPECT_EQ(base64url("foobar"), "Zm9vYmFy");
}

TEST(Base64url, UsesTheUrlSafeAlphabet) {
    const Bytes bytes{0xfb, 0xff, 0xbf};
    EXPECT_EQ(base64url(bytes), "-_-_");
    EXPECT_EQ(from_base64url("-_-_"), bytes);
}

TEST(Base64url, RoundTripsEveryLength) {
    Bytes data;
    for (int n = 0; n < 70; ++n) {
        EXPECT_EQ(from_base64url(base64url(data)), data) << n;
        data.push_back(static_cast<std::uint8_t>(n * 37 + 11));
    }
}

TEST(Base64url, RefusesWhatIsNotStrictBase64url) {
    EXPECT_FALSE(from_base64url("Zg=="));    // padding
    EXPECT_FALSE(from_base64url("Zm9v+g"));  // standard alphabet
    EXPECT_FALSE(from_base64url("Zm9 v"));
    EXPECT_FALSE(from_base64url("Z"));   // impossible length
    EXPECT_FALSE(from_base64url("Zh"));  // non-zero trailing bits
}

// RFC 4648 section 10, padded, as DNSKEY and RRSIG presentation writes it.
TEST(Base64, Rfc4648Vectors) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64("foob"), "Zm9vYg==");
    EXPECT_EQ(base64("fooba"), "Zm9vYmE=");
    EXPECT_EQ(base64("foobar"), "Zm9vYmFy");
    EXPECT_EQ(base64(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64, AppendsAfterWhatIsThere) {
    std::string out = "257 3 13 ";
    append_base64(out, "foo");
    EXPECT_EQ(out, "257 3 13 Zm9v");
}

TEST(Base64, DecodesEveryLengthBack) {
    std::string data;
    for (int n = 0; n < 70; ++n) {
        data.push_back(static_cast<char>(n * 37 + 11));
        std::string out = "x";
        ASSERT_TRUE(append_base64_decoded(out, base64(data))) << n;
        EXPECT_EQ(out, "x" + data) << n;
    }
}

TEST(Base64, RefusesToDecodeWhatIsNotBase64) {
    std::string out;
    EXPECT_FALSE(append_base64_decoded(out, ""));
    EXPECT_FALSE(append_base64_decoded(out, "Zg="));       // length
    EXPECT_FALSE(append_base64_decoded(out, "Zm9v-g=="));  // URL alphabet
    EXPECT_FALSE(append_base64_decoded(out, "Zm!v"));
}

TEST(Base64, IsBase64IsStrictAboutPadding) {
    EXPECT_TRUE(is_base64("Zm9v"));
    EXPECT_TRUE(is_base64("Zg=="));
    EXPECT_TRUE(is_base64("Zm8="));
    EXPECT_TRUE(is_base64("+/+/"));
    EXPECT_FALSE(is_base64(""));
    EXPECT_FALSE(is_base64("Zg="));   // not a multiple of four
    EXPECT_FALSE(is_base64("Z==="));  // three pads
    EXPECT_FALSE(is_base64("===="));
    EXPECT_FALSE(is_base64("Z=m9"));       // padding inside
    EXPECT_FALSE(is_base64("Zm9v Zg=="));  // white space
    EXPECT_FALSE(is_base64("-_-_"));       // URL alphabet
}

}  // namespace
}  // namespace dk
