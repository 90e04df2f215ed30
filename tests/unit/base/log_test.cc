#include "base/log.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace dk {
namespace {

TEST(Log, FormatsStableEventAndFields) {
    EXPECT_EQ(log::format(log::Level::info, "tlsa.published",
                          {{"zone", "example.net"}, {"serial", 42}, {"owner", "_25._tcp.mx1"}}),
              "level=info event=tlsa.published zone=example.net serial=42 owner=_25._tcp.mx1");
}

TEST(Log, QuotesValuesThatNeedItAndStaysOneLine) {
    EXPECT_EQ(log::format(log::Level::warn, "e",
                          {{"why", "two words"}, {"nl", "a\nb"}, {"q", "say \"x\""}}),
              "level=warn event=e why=\"two words\" nl=\"a\\nb\" q=\"say \\\"x\\\"\"");
    EXPECT_EQ(log::format(log::Level::error, "e", {{"empty", ""}}),
              "level=error event=e empty=\"\"");
}

TEST(Log, SinkReceivesEventsAboveMinimum) {
    std::vector<std::string> lines;
    log::configure({.min_level = log::Level::info, .to_stderr = false, .to_syslog = false});
    log::set_sink([&](log::Level, const std::string& line) { lines.push_back(line); });
    log::debug("hidden");
    log::info("shown", {{"k", "v"}});
    log::set_sink(nullptr);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "level=info event=shown k=v");
}

// journald reads "<N>" before a stderr line as its priority; JOURNAL_STREAM says whether the
// stream is journald's ("DEVICE:INODE" of the file systemd handed over).
TEST(Log, JournalStreamNamesTheFileOpenAtTheDescriptor) {
    char path[] = "/tmp/dk-journal-XXXXXX";
    const int fd = ::mkstemp(path);
    ASSERT_GE(fd, 0);
    struct stat st {};
    ASSERT_EQ(::fstat(fd, &st), 0);
    const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    EXPECT_TRUE(log::journal_stream_is(mine.c_str(), fd));
    const std::string other = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino + 1);
    EXPECT_FALSE(log::journal_stream_is(other.c_str(), fd));
    EXPECT_FALSE(log::journal_stream_is((mine + "x").c_str(), fd));
    EXPECT_FALSE(log::journal_stream_is("", fd));
    EXPECT_FALSE(log::journal_stream_is(nullptr, fd));
    ::close(fd);
    ::unlink(path);
}

TEST(Log, PriorityPrefixFollowsTheLevel) {
    log::configure({.min_level = log::Level::info, .to_stderr = false, .priority_prefix = true});
    EXPECT_EQ(log::stderr_prefix(log::Level::error), "<3>");
    EXPECT_EQ(log::stderr_prefix(log::Level::warn), "<4>");
    EXPECT_EQ(log::stderr_prefix(log::Level::info), "<6>");
    log::configure({.min_level = log::Level::info, .to_stderr = false, .priority_prefix = false});
    EXPECT_EQ(log::stderr_prefix(log::Level::error), "");
}

}  // namespace
}  // namespace dk
