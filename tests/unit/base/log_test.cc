#include "base/log.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace dk
