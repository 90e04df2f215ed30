#include "acme/account_key.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acme/jwk.h"

namespace dk::acme {
namespace {

class AccountKey : public ::testing::Test {
  protected:
    void SetUp() override { ASSERT_NE(::mkdtemp(dir_.data()), nullptr); }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_ = "/tmp/dk-acme-key-XXXXXX";
};

TEST_F(AccountKey, CreatedOnce0600AndLoadedAgain) {
    const std::string path = dir_ + "/account.key";
    auto first = load_or_create_account_key(path);
    ASSERT_TRUE(first.ok()) << first.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto again = load_or_create_account_key(path);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*jwk_thumbprint(*public_jwk(**first)), *jwk_thumbprint(*public_jwk(**again)));
}

TEST_F(AccountKey, ReadableByOthersIsRefused) {
    const std::string path = dir_ + "/account.key";
    ASSERT_TRUE(load_or_create_account_key(path).ok());
    ::chmod(path.c_str(), 0644);
    auto loaded = load_or_create_account_key(path);
    ASSERT_FALSE(loaded.ok());
    EXPECT_EQ(loaded.error().kind, ErrorKind::bad_input);
}

TEST_F(AccountKey, EabKeyFile) {
    const std::string path = dir_ + "/eab.key";
    std::ofstream(path) << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n";
    ::chmod(path.c_str(), 0600);
    auto key = load_eab_key(path);
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->size(), 32u);
    EXPECT_EQ((*key)[31], 31);
    std::ofstream(path) << "not base64url!";
    EXPECT_FALSE(load_eab_key(path).ok());
}

}  // namespace
}  // namespace dk::acme
