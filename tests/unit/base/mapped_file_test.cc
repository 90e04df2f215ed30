// A file read in place: its bytes, an empty file, refusals (missing, not regular, too large),
// moves, and a file replaced by rename while mapped (the mapping keeps the old bytes).
#include "base/mapped_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>

namespace dk::files {
namespace {

class MappedFileTest : public ::testing::Test {
  protected:
    MappedFileTest() {
        char templ[] = "/tmp/dk-mapped-XXXXXX";
        dir = mkdtemp(templ);
    }
    ~MappedFileTest() override { std::filesystem::remove_all(dir); }
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir + "/" + name, std::ios::binary) << text;
        return dir + "/" + name;
    }
    std::string dir;
};

TEST_F(MappedFileTest, HoldsTheFilesBytes) {
    std::string text(70000, 'x');
    text[0] = '\0';
    text[69999] = '\n';
    auto m = MappedFile::open(write("zone", text), 1 << 20);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->text(), text);
    auto empty = MappedFile::open(write("empty", ""), 1 << 20);
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->text().empty());
}

TEST_F(MappedFileTest, RefusesMissingDirectoriesAndTooLarge) {
    auto missing = MappedFile::open(dir + "/none", 1 << 20);
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::bad_input);
    EXPECT_NE(missing.error().message.find(dir + "/none"), std::string::npos);
    auto directory = MappedFile::open(dir, 1 << 20);
    ASSERT_FALSE(directory.ok());
    EXPECT_EQ(directory.error().kind, ErrorKind::bad_input);
    auto big = MappedFile::open(write("big", std::string(101, 'x')), 100);
    ASSERT_FALSE(big.ok());
    EXPECT_NE(big.error().message.find("too large"), std::string::npos);
}

TEST_F(MappedFileTest, RefusesAFifoWithoutWaitingForAWriter) {
    const std::string path = dir + "/signed";
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    auto opening = std::async(std::launch::async, [&]() -> Status {
        auto mapped = MappedFile::open(path, 1 << 20);
        if (!mapped.ok()) return mapped.error();
        return {};
    });
    const bool blocked = opening.wait_for(std::chrono::seconds(2)) != std::future_status::ready;
    if (blocked) {  // release the open() waiting for a writer, so the test ends
        const int writer = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (writer >= 0) ::close(writer);
    }
    const Status opened = opening.get();
    EXPECT_FALSE(blocked);
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().message, path + ": not a regular file");
}

TEST_F(MappedFileTest, MovesAndSurvivesReplacementByRename) {
    const std::string path = write("signed", "old text\n");
    auto m = MappedFile::open(path, 1 << 20);
    ASSERT_TRUE(m.ok());
    MappedFile moved(std::move(*m));
    EXPECT_TRUE(m->text().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty
    const std::string fresh = write("signed.tmp", "new text, longer\n");
    ASSERT_EQ(std::rename(fresh.c_str(), path.c_str()), 0);
    EXPECT_EQ(moved.text(), "old text\n");
    MappedFile assigned;
    assigned = std::move(moved);
    EXPECT_EQ(assigned.text(), "old text\n");
    auto again = MappedFile::open(path, 1 << 20);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->text(), "new text, longer\n");
}

}  // namespace
}  // namespace dk::files
