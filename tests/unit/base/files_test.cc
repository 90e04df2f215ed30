#include "base/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>

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

// Reads a FIFO from a worker thread. A read that blocks in open() waiting for a writer is released
// after two seconds by opening the FIFO for writing, so a failing test ends instead of hanging.
struct FifoRead {
    bool blocked = false;
    Result<std::string> result;
};
FifoRead read_fifo(const std::string& path) {
    auto reading = std::async(std::launch::async, [&] { return files::read_limited(path); });
    FifoRead outcome{false, Error::environment("not read")};
    if (reading.wait_for(std::chrono::seconds(2)) != std::future_status::ready) {
        outcome.blocked = true;
        const int writer = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (writer >= 0) ::close(writer);
    }
    outcome.result = reading.get();
    return outcome;
}

TEST_F(FilesTest, ReadRefusesAFifoWithoutWaitingForAWriter) {
    const std::string path = dir_ + "/danekeeper.toml";
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    const FifoRead read = read_fifo(path);
    EXPECT_FALSE(read.blocked);
    ASSERT_FALSE(read.result.ok());
    EXPECT_EQ(read.result.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(read.result.error().message, path + ": not a regular file");
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

Status status_of(const Result<std::string>& read) {
    if (!read.ok()) return read.error();
    return {};
}

TEST_F(FilesTest, SecretIsReadOnlyAsTheFileItself) {
    const std::string path = dir_ + "/tsig.key";
    std::ofstream(path) << "secret";
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    EXPECT_EQ(files::read_secret(path, 1024).value(), "secret");
    const std::string link = dir_ + "/link.key";
    ASSERT_EQ(::symlink(path.c_str(), link.c_str()), 0);
    for (const auto& refused :
         {status_of(files::read_secret(link, 1024)), files::check_secret_permissions(link)}) {
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().kind, ErrorKind::bad_input);
        EXPECT_EQ(refused.error().message,
                  link + ": is a symbolic link; a secret file must not be one");
    }
    ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
    auto readable = files::read_secret(path, 1024);
    ASSERT_FALSE(readable.ok());
    EXPECT_NE(readable.error().message.find("(mode 0640)"), std::string::npos);
}

// Root reading a key another user owns would let that user choose our key.
TEST_F(FilesTest, SecretOwnedBySomeoneElseIsRefused) {
    if (::geteuid() != 0) GTEST_SKIP() << "only root can give a file to another user";
    const std::string path = dir_ + "/tsig.key";
    std::ofstream(path) << "secret";
    ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
    ASSERT_EQ(::chown(path.c_str(), 65534, 65534), 0);
    for (const auto& refused :
         {status_of(files::read_secret(path, 1024)), files::check_secret_permissions(path)}) {
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().message,
                  path + ": secret file is owned by uid 65534, not by this user (uid 0) or root");
    }
}

}  // namespace
}  // namespace dk
