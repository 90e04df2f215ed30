#include "tlsrpt/gzip.h"

#include <gtest/gtest.h>

namespace dk::tlsrpt {
namespace {

TEST(Gunzip, RoundTripsAndReadsUpToTheLimitExactly) {
    const std::string text(100'000, 'a');
    const std::string packed = gzip(text);
    ASSERT_TRUE(looks_gzipped(packed));
    auto back = gunzip(packed, packed.size(), text.size());
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, text);
}

TEST(Gunzip, OneByteOverTheInflatedLimitIsRefused) {
    const std::string packed = gzip(std::string(100'000, 'a'));
    auto back = gunzip(packed, packed.size(), 99'999);
    ASSERT_FALSE(back.ok());
    EXPECT_EQ(back.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(back.error().message, "gzip: inflates to more than the limit of 99999 bytes");
}

TEST(Gunzip, ABombStopsAtTheLimitNotAtItsSize) {
    // 64 MiB of zeros pack into about 64 KiB; reading stops once 1 MiB is passed.
    const std::string packed = gzip(std::string(std::size_t{64} << 20, '\0'));
    auto back = gunzip(packed, packed.size(), std::size_t{1} << 20);
    ASSERT_FALSE(back.ok());
    EXPECT_NE(back.error().message.find("inflates to more than"), std::string::npos);
}

TEST(Gunzip, CompressedInputOverItsLimitIsRefusedBeforeInflating) {
    const std::string packed = gzip("{}");
    auto back = gunzip(packed, packed.size() - 1, 1000);
    ASSERT_FALSE(back.ok());
    EXPECT_NE(back.error().message.find("bytes compressed, more than the limit of"),
              std::string::npos);
}

TEST(Gunzip, TruncatedCorruptAndTrailingBytesAreRefused) {
    const std::string packed = gzip(std::string(5000, 'x') + "report");
    auto truncated = gunzip(packed.substr(0, packed.size() - 6), 1 << 20, 1 << 20);
    ASSERT_FALSE(truncated.ok());
    EXPECT_EQ(truncated.error().message, "gzip: truncated");

    std::string crc = packed;
    crc[crc.size() - 6] = static_cast<char>(crc[crc.size() - 6] ^ 0x55);  // inside the CRC32
    auto bad_crc = gunzip(crc, 1 << 20, 1 << 20);
    ASSERT_FALSE(bad_crc.ok());
    EXPECT_EQ(bad_crc.error().message, "gzip: incorrect data check");

    auto trailing = gunzip(packed + "junk", 1 << 20, 1 << 20);
    ASSERT_FALSE(trailing.ok());
    EXPECT_EQ(trailing.error().message, "gzip: bytes after the end of the stream");

    auto plain = gunzip("{\"a\":1}", 1 << 20, 1 << 20);
    ASSERT_FALSE(plain.ok());
    EXPECT_EQ(plain.error().message, "gzip: no gzip header");
}

}  // namespace
}  // namespace dk::tlsrpt
