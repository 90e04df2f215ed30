#include "base/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace dk {
namespace {

class FilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-files-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0);
    return st.st_mode & 07777;
}

TEST_F(FilesTest, WritesAtomicallyWithExactMode) {
    const std::string path = dir_ + "/key.pem";
    ASSERT_TRUE(files::write_atomic(path, "secret", 0600, files::Overwrite::no).ok());
    EXPECT_EQ(mode_of(path), 0600u);
    EXPECT_EQ(files::read_limited(path).value(), "secret");
    // No temp file is left behind.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(FilesTest, NeverOverwritesWhenAskedNotTo) {
    const std::string path = dir_ + "/key.pem";
    ASSERT_TRUE(files::write_atomic(path, "first", 0600, files::Overwrite::no).ok());
    auto second = files::write_atomic(path, "second", 0600, files::Overwrite::no);
    ASSERT_FALSE(second.ok());
    EXPECT_EQ(second.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(files::read_limited(path).value(), "first");
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(FilesTest, ReplacesWhenAllowed) {
    const std::string path = dir_ + "/chain.pem";
    ASSERT_TRUE(files::write_atomic(path, "old", 0644, files::Overwrite::yes).ok());
    ASSERT_TRUE(files::write_atomic(path, "new", 0644, files::Overwrite::yes).ok());
    EXPECT_EQ(files::read_limited(path).value(), "new");
    EXPECT_EQ(mode_of(path), 0644u);
}

TEST_F(FilesTest, ReadRefusesLargeMissingAndNonRegular) {
    const std::string path = dir_ + "/big";
    std::ofstream(path) << std::string(2000, 'x');
    auto big = files::read_limited(path, 1000);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find(path), std::string::npos);
    EXPECT_NE(big.error().message.find("too large"), std::string::npos);
    EXPECT_EQ(files::read_limited(dir_ + "/missing").error().kind, ErrorKind::bad_input);
    EXPECT_FALSE(files::read_limited(dir_).ok());
}

TEST_F(FilesTest, SecretPermissions) {
    const std::string path = dir_ + "/tsig.key";
    std::ofstream(path) << "key";
    ::chmod(path.c_str(), 0600);
    EXPECT_TRUE(files::check_secret_permissions(path).ok());
    ::chmod(path.c_str(), 0640);
    auto r = files::check_secret_permissions(path);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("0640"), std::string::npos);
    ::chmod(path.c_str(), 0604);
    EXPECT_FALSE(files::check_secret_permissions(path).ok());
}

}  // namespace
}  // namespace dk
