// The audit page: every part present, every string from outside escaped (a hostile hostname, CA
// subject, TLSRPT organization or lint text cannot add markup), and the page's elements balanced.
#include "ops/audit_html.h"

#include <gtest/gtest.h>

#include <set>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);
const std::string hostile = "<script>alert(\"x\")</script> ' & ]]> <!-- <svg onload=1>";

// Each element opened is closed in order (void elements and <!DOCTYPE> aside). A "<" that starts
// no tag, or a tag left open, fails.
::testing::AssertionResult balanced(const std::string& html) {
    static const std::set<std::string> void_elements{"meta", "br", "hr"};
    std::vector<std::string> open;
    for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
        const std::size_t end = html.find('>', i);
        if (end == std::string::npos) return ::testing::AssertionFailure() << "unclosed < at " << i;
        const std::string tag = html.substr(i + 1, end - i - 1);
        if (tag.starts_with("!DOCTYPE")) continue;
        const bool closing = tag.starts_with("/");
        const std::size_t name_end = tag.find_first_of(" />", closing ? 1 : 0);
        const std::string name = tag.substr(closing ? 1 : 0, name_end - (closing ? 1 : 0));
        if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0])))
            return ::testing::AssertionFailure() << "not a tag: <" << tag << ">";
        if (closing) {
            if (open.empty() || open.back() != name)
                return ::testing::AssertionFailure()
                       << "</" << name << "> closes " << (open.empty() ? "nothing" : open.back());
            open.pop_back();
        } else if (!tag.ends_with("/") && !void_elements.contains(name)) {
            open.push_back(name);
        }
    }
    if (!open.empty()) return ::testing::AssertionFailure() << "<" << open.back() << "> left open";
    return ::testing::AssertionSuccess();
}

AuditItem item(std::string endpoint, bool pass) {
    return {std::move(endpoint),
            "192.0.2.1",
            "ecdsa",
            now,
            {{"EMLREQ_2", "tls_offered", true, "handshake completed: TLSv1.3"},
             {"EMLREQ_4", "tlsa_matches_served_chain", pass, "leaf SPKI aa matched 3 1 1 aa"},
             {"EMLREQ_6", "certified_ca", true, "issuer \"CN=Test CA\" SPKI SHA-256 cc"}}};
}

AuditPage page() {
    AuditPage p;
    p.now = now;
    p.generator = "danekeeper test";
    p.items = {item("mx1.example.test:25", true), item("mx2.example.test:25", false)};
    p.findings = {{"tlsa-too-many", Severity::warning, "_25._tcp.mx1.example.test.", "13 records"}};
    TimelineInput in;
    in.now = now;
    in.days = 30;
    in.steps = {{now - Seconds{7200}, "mx", "publish",
                 "publish next key: add _25._tcp.mx1.example.test. TLSA 3 1 1 aa (serial 7)"},
                {now - Seconds{3600}, "mx", "complete_switch", "every endpoint presents next"}};
    p.timeline = build_timeline(in);
    p.sender_lines = {"tlsrpt: 1 report in the last 7 days"};
    return p;
}

TEST(AuditHtml, HoldsEveryPartAndIsBalanced) {
    const std::string html = render_audit_html(page());
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    EXPECT_TRUE(balanced(html));
    for (const char* part :
         {"<h1>DANE audit (BSI TR-03108-1): <span class=\"verdict fail\">FAIL</span></h1>",
          "<td>mx1.example.test:25</td><td>192.0.2.1</td><td>ecdsa</td><td class=\"pass\">PASS",
          "<td class=\"fail\">FAIL (0 of 1)</td>", "<svg xmlns=\"http://www.w3.org/2000/svg\"",
          "<td>key switch</td>", "published _25._tcp.mx1.example.test. TLSA 3 1 1 aa",
          "<td>tlsa-too-many</td>", "<li>tlsrpt: 1 report in the last 7 days</li>"}) {
        EXPECT_NE(html.find(part), std::string::npos) << part;
    }
    // Self-contained: no script, nothing fetched.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("src="), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
}

TEST(AuditHtml, EscapesEveryStringFromOutside) {
    AuditPage p = page();
    p.items.push_back(item(hostile + ":25", true));                          // a hostname
    p.items.back().requirements[2].evidence = "issuer \"" + hostile + "\"";  // a CA subject
    p.findings.push_back({hostile, Severity::error, hostile, hostile});      // lint text
    TimelineInput in;
    in.now = now;
    in.days = 30;
    in.states = {engine::SlotState{}};
    in.states[0].slot = hostile;
    in.reports = {{now - Seconds{86400}, now, hostile, hostile, 3, 3, hostile}};  // TLSRPT
    p.timeline = build_timeline(in);
    p.sender_lines.push_back(hostile);
    p.generator = hostile;
    const std::string html = render_audit_html(p);
    EXPECT_TRUE(balanced(html));
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("]]>"), std::string::npos);
    EXPECT_EQ(html.find("<!--"), std::string::npos);
    EXPECT_EQ(html.find("onload=1>"), std::string::npos);
    const std::string escaped =
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39; &amp; ]]&gt; &lt;!-- &lt;svg "
        "onload=1&gt;";
    std::size_t count = 0;
    for (std::size_t at = html.find(escaped); at != std::string::npos;
         at = html.find(escaped, at + 1))
        ++count;
    // The endpoint (summary, heading), the CA subject, the rule, where and message, the lane,
    // the report's organization, id and failures (picture and table), the sender line, generator.
    EXPECT_GE(count, 12U) << html;
}

TEST(AuditHtml, EscapeReplacesControlsAndBrokenUtf8) {
    EXPECT_EQ(html_escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    EXPECT_EQ(html_escape(std::string("x\0y\x1b", 4)), "x\xEF\xBF\xBDy\xEF\xBF\xBD");
    EXPECT_EQ(html_escape("tab\tline\n"), "tab\tline\n");
    EXPECT_EQ(html_escape("caf\xC3\xA9"), "caf\xC3\xA9");            // well-formed UTF-8 stays
    EXPECT_EQ(html_escape("\xC3("), "\xEF\xBF\xBD(");                // a cut sequence
    EXPECT_EQ(html_escape("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // an overlong "/"
    EXPECT_EQ(html_escape("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
}

}  // namespace
}  // namespace dk::ops
