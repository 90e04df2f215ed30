#include "probe/reply_parser.h"

#include <gtest/gtest.h>

namespace dk::probe {
namespace {

TEST(SmtpReply, SingleAndMultiLine) {
    auto one = parse_smtp_reply("220 mx ESMTP\r\n");
    ASSERT_EQ(one.state, ParseState::complete);
    EXPECT_EQ(one.reply.code, 220);
    EXPECT_EQ(one.consumed, 14u);
    auto multi = parse_smtp_reply("250-mx\r\n250-STARTTLS\r\n250 8BITMIME\r\nNEXT");
    ASSERT_EQ(multi.state, ParseState::complete);
    EXPECT_EQ(multi.reply.lines, (std::vector<std::string>{"mx", "STARTTLS", "8BITMIME"}));
    EXPECT_EQ(multi.consumed, 36u);
}

TEST(SmtpReply, NeedsMoreUntilTheLastLine) {
    EXPECT_EQ(parse_smtp_reply("250-mx\r\n250-STA").state, ParseState::need_more);
    EXPECT_EQ(parse_smtp_reply("").state, ParseState::need_more);
}

TEST(SmtpReply, RefusesJunkAndChangingCodes) {
    EXPECT_EQ(parse_smtp_reply("hello\r\n").state, ParseState::error);
    EXPECT_EQ(parse_smtp_reply("250-a\r\n251 b\r\n").state, ParseState::error);
    EXPECT_EQ(parse_smtp_reply("25x ok\r\n").state, ParseState::error);
}

TEST(SmtpReply, BoundsLinesAndReplies) {
    EXPECT_EQ(parse_smtp_reply(std::string(max_line + 10, 'a')).state, ParseState::error);
    std::string endless;
    while (endless.size() <= max_reply + 100) endless += "220-more\r\n";
    EXPECT_EQ(parse_smtp_reply(endless).state, ParseState::error);
}

TEST(Line, Parses) {
    auto l = parse_line("* OK ready\r\nrest");
    ASSERT_EQ(l.state, ParseState::complete);
    EXPECT_EQ(l.line, "* OK ready");
    EXPECT_EQ(l.consumed, 12u);
}

}  // namespace
}  // namespace dk::probe
