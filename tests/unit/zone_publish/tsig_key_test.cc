#include "zone/tsig_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

#include "base/log.h"

namespace dk::zone {
namespace {

constexpr const char* kSecret = "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVkIQ==";

std::string key_text(const std::string& algorithm, const std::string& secret = kSecret,
                     const std::string& name = "dk-update") {
    return "key \"" + name + "\" {\n\talgorithm " + algorithm + ";\n\tsecret \"" + secret +
           "\";\n};\n";
}

TEST(TsigKey, ParsesTsigKeygenOutputSha256) {
    auto keys = parse_tsig_keys(key_text("hmac-sha256"), "k.key");
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    ASSERT_EQ(keys->size(), 1U);
    EXPECT_EQ(keys->front().name, "dk-update.");
    EXPECT_EQ(keys->front().algorithm, TsigAlgorithm::hmac_sha256);
    EXPECT_EQ(keys->front().secret_base64, kSecret);
}

TEST(TsigKey, ParsesSha512WithComments) {
    const std::string text = "# made by tsig-keygen\n// another\n/* block\ncomment */\n" +
                             key_text("HMAC-SHA512") + "# trailing\n";
    auto keys = parse_tsig_keys(text, "k.key");
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    EXPECT_EQ(keys->front().algorithm, TsigAlgorithm::hmac_sha512);
}

TEST(TsigKey, Sha1IsAcceptedWithAWarning) {
    std::vector<std::string> lines;
    log::set_sink([&](log::Level, const std::string& line) { lines.push_back(line); });
    auto keys = parse_tsig_keys(key_text("hmac-sha1"), "k.key");
    log::set_sink(nullptr);
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->front().algorithm, TsigAlgorithm::hmac_sha1);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines[0].find("tsig.weak_algorithm"), std::string::npos);
    EXPECT_EQ(lines[0].find(kSecret), std::string::npos);
}

TEST(TsigKey, RndcConfStyleWithOptionsBlock) {
    const std::string text = key_text("hmac-sha256", kSecret, "rndc-key") +
                             "options {\n\tdefault-key \"rndc-key\";\n\tdefault-port 953;\n};\n";
    auto keys = parse_tsig_keys(text, "rndc.conf");
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    EXPECT_EQ(keys->front().name, "rndc-key.");
}

TEST(TsigKey, SeveralKeysPickByNameOrRefuseAmbiguity) {
    auto keys = parse_tsig_keys(
        key_text("hmac-sha256", kSecret, "a") + key_text("hmac-sha512", kSecret, "b"), "k.key");
    ASSERT_TRUE(keys.ok());
    auto b = select_tsig_key(*keys, std::string("B."), "k.key");
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(b->algorithm, TsigAlgorithm::hmac_sha512);
    auto none = select_tsig_key(*keys, std::nullopt, "k.key");
    ASSERT_FALSE(none.ok());
    EXPECT_NE(none.error().message.find("--key-name"), std::string::npos);
    EXPECT_FALSE(select_tsig_key(*keys, std::string("c"), "k.key").ok());
}

struct BadKeyCase {
    const char* label;
    std::string text;
    const char* expected;  // part of the message, with the line
};

class BadKeyFile : public ::testing::TestWithParam<BadKeyCase> {};

TEST_P(BadKeyFile, FailsNamingFileAndLineWithoutTheSecret) {
    auto keys = parse_tsig_keys(GetParam().text, "bad.key");
    ASSERT_FALSE(keys.ok());
    EXPECT_EQ(keys.error().kind, ErrorKind::bad_input);
    EXPECT_NE(keys.error().message.find(GetParam().expected), std::string::npos)
        << keys.error().message;
    EXPECT_EQ(keys.error().message.find("c2VjcmV0"), std::string::npos) << keys.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadKeyFile,
    ::testing::Values(BadKeyCase{"missing_secret", "key \"k\" {\n algorithm hmac-sha256;\n};\n",
                                 "bad.key:1: key k. has no secret"},
                      BadKeyCase{"bad_base64",
                                 key_text("hmac-sha256", "c2VjcmV0!!!bad-base64-c2VjcmV0"),
                                 "bad.key:3: secret of key dk-update. is not valid base64"},
                      BadKeyCase{"unknown_algorithm", key_text("hmac-md5"),
                                 "bad.key:2: unknown algorithm hmac-md5"},
                      BadKeyCase{"unterminated_block",
                                 "key \"k\" {\n algorithm hmac-sha256;\n secret \"c2VjcmV0\";\n",
                                 "bad.key:1: unterminated key block"},
                      BadKeyCase{"unterminated_string",
                                 "key \"k\" {\n secret \"c2VjcmV0xxxx;\n};\n",
                                 "bad.key:2: unterminated quoted string"},
                      BadKeyCase{"no_key", "# nothing\n", "bad.key: no key block"},
                      BadKeyCase{"missing_semicolon",
                                 "key \"k\" {\n algorithm hmac-sha256\n secret \"c2VjcmV0\";\n};\n",
                                 "bad.key:3: expected ';' after algorithm"},
                      // Found by the tsig_key_file fuzz target: the file was not named.
                      BadKeyCase{"empty_name", "\n\nkey \"\" { algorithm hmac-sha256; };\n",
                                 "bad.key:3: invalid key name \"\""}),
    [](const auto& test_info) { return std::string(test_info.param.label); });

class KeyFileOnDisk : public ::testing::Test {
  protected:
    void SetUp() override {
        char dir[] = "/tmp/dk_tsig_XXXXXX";
        ASSERT_NE(mkdtemp(dir), nullptr);
        dir_ = dir;
        path_ = dir_ + "/dk.key";
        std::ofstream(path_) << key_text("hmac-sha256");
    }
    void TearDown() override {
        ::unlink(path_.c_str());
        ::rmdir(dir_.c_str());
    }
    std::string dir_, path_;
};

TEST_F(KeyFileOnDisk, LoadsAPrivateFile) {
    ASSERT_EQ(::chmod(path_.c_str(), 0600), 0);
    auto key = load_tsig_key(path_, std::nullopt);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->name, "dk-update.");
}

TEST_F(KeyFileOnDisk, RefusesAGroupReadableFile) {
    ASSERT_EQ(::chmod(path_.c_str(), 0640), 0);
    auto key = load_tsig_key(path_, std::nullopt);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().kind, ErrorKind::bad_input);
    EXPECT_NE(key.error().message.find(path_), std::string::npos);
}

}  // namespace
}  // namespace dk::zone
