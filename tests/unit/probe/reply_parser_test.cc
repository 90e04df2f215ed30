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

TEST(LineDialogue, ImapGoAheadAfterUntaggedLinesInAnyPieces) {
    const std::string_view server =
        "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n* CAPABILITY STARTTLS\r\na1 OK go\r\n";
    for (std::size_t piece = 1; piece <= server.size(); ++piece) {
        LineDialogueReader reader(imap_dialogue);
        ParseState state = ParseState::need_more;
        for (std::size_t at = 0; at < server.size(); at += piece)
            state = reader.take(server.substr(at, piece));
        EXPECT_EQ(state, ParseState::complete) << piece;
        EXPECT_TRUE(reader.greeted());
    }
}

TEST(LineDialogue, GreetingDecidesFirst) {
    LineDialogueReader reader(pop3_dialogue);
    EXPECT_EQ(reader.take("+OK ready\r"), ParseState::need_more);
    EXPECT_FALSE(reader.greeted());
    EXPECT_EQ(reader.take("\n"), ParseState::need_more);
    EXPECT_TRUE(reader.greeted());
    LineDialogueReader refused(pop3_dialogue);
    EXPECT_EQ(refused.take("-ERR \x1b[2Jgo away\r\n"), ParseState::error);
    EXPECT_FALSE(refused.greeted());
    EXPECT_EQ(refused.error(), "greeting: -ERR \\x1b[2Jgo away");
}

TEST(LineDialogue, RefusalsAndBounds) {
    LineDialogueReader no(imap_dialogue);
    EXPECT_EQ(no.take("* OK\r\na1 NO later\r\n"), ParseState::error);
    EXPECT_EQ(no.error(), "STARTTLS refused: a1 NO later");
    LineDialogueReader pipelined(pop3_dialogue);
    EXPECT_EQ(pipelined.take("+OK\r\n+OK\r\nUSER x\r\n"), ParseState::error);
    EXPECT_EQ(pipelined.error(), "data after the go-ahead to STARTTLS");
    std::string untagged = "* OK\r\n";
    for (int i = 0; i < 15; ++i) untagged += "* x\r\n";
    LineDialogueReader fifteen(imap_dialogue);
    EXPECT_EQ(fifteen.take(untagged + "a1 OK\r\n"), ParseState::complete);
    LineDialogueReader sixteen(imap_dialogue);
    EXPECT_EQ(sixteen.take(untagged + "* x\r\na1 OK\r\n"), ParseState::error);
    EXPECT_EQ(sixteen.error(), "no answer to STARTTLS");
    LineDialogueReader endless(imap_dialogue);
    EXPECT_EQ(endless.take(std::string(max_line + 1, 'x')), ParseState::error);
    EXPECT_EQ(endless.take("a1 OK\r\n"), ParseState::error);  // decided stays decided
}

}  // namespace
}  // namespace dk::probe
