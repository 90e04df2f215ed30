// BIND key files: what we write reads back (and is what dnssec-keygen writes), a .private that
// does not belong to its .key is refused, a readable .private is refused.
#include "zone/sign/key_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dk::zone::sign {
namespace {

class KeyDir : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/dk-keys-XXXXXX";
        ASSERT_NE(mkdtemp(templ), nullptr);
        dir = templ;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::string dir;
};

class EachAlgorithm : public KeyDir, public ::testing::WithParamInterface<Algorithm> {};

TEST_P(EachAlgorithm, WrittenKeysReadBackTheSame) {
    auto ksk = SigningKey::generate(GetParam(), flag_zone_key | flag_sep);
    auto zsk = SigningKey::generate(GetParam(), flag_zone_key);
    ASSERT_TRUE(ksk.ok() && zsk.ok());
    ASSERT_TRUE(write_key_files(dir, "Example.Test", *ksk, "20260101000000").ok());
    auto base = write_key_files(dir, "example.test.", *zsk, "20260101000000");
    ASSERT_TRUE(base.ok()) << base.error().message;
    struct stat st {};
    ASSERT_EQ(::stat((*base + ".private").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    // Never overwritten.
    EXPECT_FALSE(write_key_files(dir, "example.test", *zsk, "20260101000000").ok());
    auto loaded = load_key_directory(dir, "example.test");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    EXPECT_EQ(loaded->published.size(), 2u);
    const KeySet keys = key_set_from(*loaded);
    ASSERT_EQ(keys.key_signing.size(), 1u);
    ASSERT_EQ(keys.zone_signing.size(), 1u);
    EXPECT_EQ(keys.key_signing[0].dnskey(), ksk->dnskey());
    EXPECT_EQ(keys.zone_signing[0].dnskey(), zsk->dnskey());
}

INSTANTIATE_TEST_SUITE_P(Algorithms, EachAlgorithm,
                         ::testing::Values(Algorithm::ecdsap256sha256, Algorithm::ed25519,
                                           Algorithm::rsasha256));

TEST_F(KeyDir, APublishedOnlyKeyHasNoPrivateFile) {
    auto k = SigningKey::generate(Algorithm::ed25519, flag_zone_key);
    auto base = write_key_files(dir, "example.test", *k, "20260101000000");
    ASSERT_TRUE(base.ok());
    ASSERT_EQ(::unlink((*base + ".private").c_str()), 0);
    auto loaded = load_key_directory(dir, "example.test");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->published.size(), 1u);
    EXPECT_TRUE(loaded->signing.empty());
}

// A failure between the two files (here: the .key is in the way) leaves no orphan .private.
TEST_F(KeyDir, AFailedPublicFileTakesItsPrivateFileAlong) {
    auto k = SigningKey::generate(Algorithm::ed25519, flag_zone_key);
    auto base = write_key_files(dir, "example.test", *k, "20260101000000");
    ASSERT_TRUE(base.ok());
    ASSERT_EQ(::unlink((*base + ".private").c_str()), 0);
    auto again = write_key_files(dir, "example.test", *k, "20260101000000");
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find(".key: already exists"), std::string::npos)
        << again.error().message;
    EXPECT_FALSE(std::filesystem::exists(*base + ".private"));
    // A .private that was there before is never removed.
    std::ofstream(*base + ".private") << "theirs";
    EXPECT_FALSE(write_key_files(dir, "example.test", *k, "20260101000000").ok());
    EXPECT_TRUE(std::filesystem::exists(*base + ".private"));
}

TEST_F(KeyDir, ReadablePrivateFileIsRefused) {
    auto k = SigningKey::generate(Algorithm::ed25519, flag_zone_key);
    auto base = write_key_files(dir, "example.test", *k, "20260101000000");
    ASSERT_EQ(::chmod((*base + ".private").c_str(), 0644), 0);
    auto loaded = load_key_directory(dir, "example.test");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
    EXPECT_NE(loaded.error().message.find(".private"), std::string::npos);
}

TEST_F(KeyDir, EmptyDirectoryIsBadInput) {
    auto loaded = load_key_directory(dir, "example.test");
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
}

TEST(PrivateKey, MismatchesAreRefused) {
    auto a = SigningKey::generate(Algorithm::ed25519, flag_zone_key);
    auto b = SigningKey::generate(Algorithm::ed25519, flag_zone_key);
    const std::string text = private_key_text(*a, "20260101000000");
    EXPECT_TRUE(parse_private_key(text, a->dnskey(), "a.private").ok());
    EXPECT_FALSE(parse_private_key(text, b->dnskey(), "a.private").ok());  // other key
    auto p256 = SigningKey::generate(Algorithm::ecdsap256sha256, flag_zone_key);
    EXPECT_FALSE(parse_private_key(text, p256->dnskey(), "a.private").ok());  // other algorithm
    const std::string p256_text = private_key_text(*p256, "20260101000000");
    auto other_p256 = SigningKey::generate(Algorithm::ecdsap256sha256, flag_zone_key);
    auto wrong = parse_private_key(p256_text, other_p256->dnskey(), "p.private");
    ASSERT_FALSE(wrong.ok());
    EXPECT_NE(wrong.error().message.find("p.private"), std::string::npos);
    EXPECT_FALSE(
        parse_private_key("Algorithm: 15 (ED25519)\nPrivateKey: AAAA\n", a->dnskey(), "x.private")
            .ok());
}

}  // namespace
}  // namespace dk::zone::sign
