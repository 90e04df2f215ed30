#include "acme/base64url.h"

#include <gtest/gtest.h>

namespace dk::acme {
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

}  // namespace
}  // namespace dk::acme
