// The MTA-STS policy (RFC 8461 section 3.2) as we write it and as senders read it; one test per
// malformed field; MX pattern matching (section 4.1).
#include "mtasts/policy.h"

#include <gtest/gtest.h>

namespace dk::mtasts {
namespace {

// The example of RFC 8461 section 3.2, with LF line ends.
constexpr std::string_view rfc_example =
    "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.example.net\n"
    "mx: backupmx.example.com\nmax_age: 604800\n";

TEST(PolicyTest, ReadsTheRfcExample) {
    auto p = parse_policy(rfc_example);
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mode, Mode::enforce);
    EXPECT_EQ(p->max_age, 604800u);
    EXPECT_EQ(p->mx, (std::vector<std::string>{"mail.example.com", "*.example.net",
                                               "backupmx.example.com"}));
}

TEST(PolicyTest, RendersWithCrlfAndReadsBackTheSame) {
    const Policy p{Mode::testing, 86400, {"mx1.example.test", "mx2.example.test"}};
    auto text = render_policy(p);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text,
              "version: STSv1\r\nmode: testing\r\nmx: mx1.example.test\r\nmx: mx2.example.test\r\n"
              "max_age: 86400\r\n");
    auto back = parse_policy(*text);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, p);
}

TEST(PolicyTest, ModeNoneNeedsNoMx) {
    auto p = parse_policy("version: STSv1\r\nmode: none\r\nmax_age: 86400\r\n");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_TRUE(p->mx.empty());
}

TEST(PolicyTest, UnknownFieldsAreIgnoredAndSpaceTrimmed) {
    auto p = parse_policy(
        "version: STSv1\nmode:enforce  \nfuture_field: x\nmx:  a.example\nmax_age: 1\n");
    ASSERT_TRUE(p.ok()) << p.error().message;
    EXPECT_EQ(p->mx, std::vector<std::string>{"a.example"});
}

struct Bad {
    const char* text;
    const char* says;
};

TEST(PolicyTest, RefusesEachMalformedPolicyNamingWhy) {
    const Bad cases[] = {
        {"mode: enforce\nversion: STSv1\nmx: a.example\nmax_age: 1\n",
         "first field must be version"},
        {"version: STSv2\nmode: enforce\nmx: a.example\nmax_age: 1\n", "version is not STSv1"},
        {"version: STSv1\nmode: strict\nmx: a.example\nmax_age: 1\n", "mode is not none"},
        {"version: STSv1\nmode: enforce\nmx: a.example\n", "no max_age"},
        {"version: STSv1\nmx: a.example\nmax_age: 1\n", "no mode"},
        {"version: STSv1\nmode: enforce\nmax_age: 1\n", "no mx"},
        {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 31557601\n", "max_age above"},
        {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: 12345678901\n", "1 to 10 digits"},
        {"version: STSv1\nmode: enforce\nmx: a.example\nmax_age: -1\n", "1 to 10 digits"},
        {"version: STSv1\nmode: enforce\nmode: testing\nmx: a.example\nmax_age: 1\n",
         "mode given twice"},
        {"version: STSv1\nmode: enforce\nmx: a..example\nmax_age: 1\n", "mx is not a host name"},
        {"version: STSv1\nmode: enforce\nmx: *.*.example\nmax_age: 1\n", "mx is not a host name"},
        {"version: STSv1\nmode: enforce\nmx: a.example\x01\nmax_age: 1\n", "control character"},
        {"version: STSv1\nnot a field\n", "no key: value"},
    };
    for (const auto& c : cases) {
        auto p = parse_policy(c.text);
        ASSERT_FALSE(p.ok()) << c.text;
        EXPECT_NE(p.error().message.find(c.says), std::string::npos)
            << c.text << " -> " << p.error().message;
        EXPECT_EQ(p.error().message.find('\n'), std::string::npos);
    }
}

TEST(PolicyTest, RefusesAPolicyOverTheSizeLimit) {
    std::string text(rfc_example);
    text += std::string(max_policy_bytes, '\n');
    auto p = parse_policy(text);
    ASSERT_FALSE(p.ok());
    EXPECT_NE(p.error().message.find("larger than"), std::string::npos);
}

TEST(PolicyTest, RenderRefusesWhatIsNoPattern) {
    EXPECT_FALSE(render_policy({Mode::enforce, 1, {"bad name.example"}}).ok());
    EXPECT_FALSE(render_policy({Mode::enforce, max_age_limit + 1, {"a.example"}}).ok());
}

TEST(PolicyTest, MxMatchesExactlyOrOneLabelUnderAWildcard) {
    EXPECT_TRUE(mx_matches("mail.example.com", "MAIL.example.com."));
    EXPECT_TRUE(mx_matches("*.example.net", "mx1.example.net"));
    EXPECT_FALSE(mx_matches("*.example.net", "a.b.example.net"));
    EXPECT_FALSE(mx_matches("*.example.net", "example.net"));
    EXPECT_FALSE(mx_matches("mail.example.com", "mail.example.com.evil"));
    EXPECT_FALSE(mx_matches("", "mail.example.com"));
}

TEST(PolicyTest, IdFollowsTheTextAndIsValid) {
    const std::string a = policy_id("version: STSv1\r\nmode: none\r\nmax_age: 1\r\n");
    const std::string b = policy_id("version: STSv1\r\nmode: none\r\nmax_age: 2\r\n");
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a, policy_id("version: STSv1\r\nmode: none\r\nmax_age: 1\r\n"));
}

}  // namespace
}  // namespace dk::mtasts
