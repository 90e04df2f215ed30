#include "service/tlsrpt/maildir.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "report_mail.h"
#include "rfc8460_example.h"
#include "service/tlsrpt/correlate.h"
#include "service/tlsrpt/standing.h"

namespace dk::service {
namespace {

namespace fs = std::filesystem;

class MaildirTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-maildir-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        for (const char* sub : {"/mail/new", "/mail/cur", "/mail/tmp"})
            fs::create_directories(dir_ + sub);
        auto s = db::Store::open(dir_ + "/state.db");
        ASSERT_TRUE(s.ok()) << s.error().message;
        store_.emplace(std::move(*s));
    }
    void TearDown() override { fs::remove_all(dir_); }
    void deliver(const std::string& name, const std::string& text) {
        std::ofstream(dir_ + "/mail/new/" + name, std::ios::binary) << text;
    }
    bool exists(const std::string& rel) const { return fs::exists(dir_ + "/mail/" + rel); }
    std::string dir_;
    std::optional<db::Store> store_;
    const TimePoint now = from_unix_seconds(1'800'000'000);
};

std::string tlsa_report(const std::string& id) {
    nlohmann::json doc = nlohmann::json::parse(rfc8460_example);
    doc["report-id"] = id;
    doc["policies"][0]["policy"]["policy-type"] = "tlsa";
    doc["policies"][0]["failure-details"][0]["result-type"] = "tlsa-invalid";
    return doc.dump();
}

TEST_F(MaildirTest, EachMessageIsReadOnceAndMovedToCur) {
    deliver("1.M1.host", report_mail(rfc8460_example));
    deliver("2.M2.host", report_mail(rfc8460_example));  // the same report resent
    auto pass = take_in_maildir(*store_, dir_ + "/mail", now);
    ASSERT_TRUE(pass.ok()) << pass.error().message;
    EXPECT_EQ(pass->stored, 1);
    EXPECT_EQ(pass->duplicates, 1);
    EXPECT_TRUE(exists("cur/1.M1.host:2,S"));
    EXPECT_TRUE(exists("cur/2.M2.host:2,S"));
    EXPECT_TRUE(fs::is_empty(dir_ + "/mail/new"));
    auto again = take_in_maildir(*store_, dir_ + "/mail", now);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->stored + again->duplicates + again->refused, 0);
    EXPECT_EQ(store_->tlsrpt_reports_since(TimePoint{}).value().size(), 1U);
}

TEST_F(MaildirTest, AMalformedMessageIsMovedAsideAndNeverRetried) {
    deliver("1.bad", "Subject: hello\r\n\r\nnot a report\r\n");
    std::string bad_json = tlsa_report("x");
    bad_json.replace(bad_json.find("\"report-id\""), 11, "\"report-xx\"");
    deliver("2.badjson", report_mail(bad_json));
    deliver("3.good", report_mail(tlsa_report("good")));
    auto pass = take_in_maildir(*store_, dir_ + "/mail", now);
    ASSERT_TRUE(pass.ok());
    EXPECT_EQ(pass->refused, 2);
    EXPECT_EQ(pass->stored, 1);
    EXPECT_TRUE(exists(".Refused/cur/1.bad:2,S"));
    EXPECT_TRUE(exists(".Refused/cur/2.badjson:2,S"));
    EXPECT_TRUE(exists(".Refused/new"));
    EXPECT_TRUE(exists("cur/3.good:2,S"));
    auto rows = store_->tlsrpt_reports_since(TimePoint{}).value();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].report_id, "good");
    EXPECT_EQ(rows[0].source, "maildir 3.good");
}

TEST_F(MaildirTest, AtMostMaxMessagesAPassTheRestWait) {
    for (int i = 0; i < 5; ++i)
        deliver(std::to_string(i) + ".m", report_mail(tlsa_report(std::to_string(i))));
    MaildirLimits limits;
    limits.max_messages = 3;
    EXPECT_EQ(take_in_maildir(*store_, dir_ + "/mail", now, limits)->stored, 3);
    EXPECT_EQ(take_in_maildir(*store_, dir_ + "/mail", now, limits)->stored, 2);
}

TEST_F(MaildirTest, NoNewDirectoryIsAnEnvironmentError) {
    auto pass = take_in_maildir(*store_, dir_ + "/nosuch", now);
    ASSERT_FALSE(pass.ok());
    EXPECT_EQ(pass.error().kind, ErrorKind::environment);
}

// The alert names the rollover step in progress while the sender saw the failures.
TEST_F(MaildirTest, DaneFailuresRaiseAnEventNamingTheStepInProgress) {
    const TimePoint start = *parse_rfc3339("2016-04-01T00:00:00Z");
    ASSERT_TRUE(store_->append_event(start - Seconds{7200}, "mx", "set_switch_time", "t").ok());
    ASSERT_TRUE(store_->append_event(start + Seconds{3600}, "mx", "deploy", "next").ok());
    ASSERT_TRUE(store_->append_event(start + Seconds{90000}, "mx", "complete_switch", "").ok());
    deliver("1.m", report_mail(tlsa_report("r")));
    ASSERT_EQ(take_in_maildir(*store_, dir_ + "/mail", now)->stored, 1);
    auto events = store_->events_since(now).value();
    ASSERT_EQ(events.size(), 1U);
    EXPECT_EQ(events[0].kind, "tlsrpt_dane_failures");
    EXPECT_EQ(events[0].slot, "mx");
    EXPECT_NE(events[0].details.find("steps=\"mx: deploy since 2016-04-01T01:00:00Z (after "
                                     "set_switch_time at 2016-03-31T22:00:00Z)\""),
              std::string::npos)
        << events[0].details;
    EXPECT_NE(events[0].details.find("tlsa-invalid mx1.mail.company-y.example 100"),
              std::string::npos);
}

TEST(StepsDuring, TheLastStepBeforeAndEveryStepWithinPerSlot) {
    const TimePoint t = from_unix_seconds(1'000'000);
    std::vector<db::Event> events{
        {1, t - Seconds{50}, "a", "publish", "", {}, {}, {}, {}, {}},
        {2, t - Seconds{40}, "a", "mark_published", "", {}, {}, {}, {}, {}},
        {3, t - Seconds{30}, "b", "alert", "", {}, {}, {}, {}, {}},
        {4, t + Seconds{10}, "b", "deploy", "", {}, {}, {}, {}, {}},
        {5, t + Seconds{200}, "a", "complete_switch", "", {}, {}, {}, {}, {}},
    };
    const auto steps = steps_during(events, t, t + Seconds{100});
    const std::vector<StepAt> want{{"a", "mark_published", t - Seconds{40}, false},
                                   {"b", "deploy", t + Seconds{10}, true}};
    EXPECT_EQ(steps, want);
    EXPECT_EQ(steps_text(steps),
              "a: mark_published since 1970-01-12T13:46:00Z; b: deploy since "
              "1970-01-12T13:46:50Z");
    EXPECT_EQ(steps_text({}), "none");
}

TEST_F(MaildirTest, TheStandingSumsUpTheWindowAndListsItsAlerts) {
    auto empty = tlsrpt_standing(*store_, now, Seconds{7 * 86400});
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(standing_lines(*empty).empty());
    const TimePoint report_end = *parse_rfc3339("2016-04-01T23:59:59Z");
    deliver("1.m", report_mail(tlsa_report("r")));
    ASSERT_EQ(take_in_maildir(*store_, dir_ + "/mail", now)->stored, 1);
    const TimePoint later = report_end + Seconds{86400};
    auto s = tlsrpt_standing(*store_, later, Seconds{7 * 86400});
    ASSERT_TRUE(s.ok()) << s.error().message;
    const auto lines = standing_lines(*s);
    ASSERT_GE(lines.size(), 2U);
    EXPECT_EQ(lines[0],
              "tlsrpt: 1 reports from 1 senders in the last 7 days: 5326 sessions succeeded, 303 "
              "failed, 303 of them DANE failures");
    EXPECT_EQ(lines[1],
              "  DANE starttls-not-supported mx=mx2.mail.company-y.example failed=200 "
              "2016-04-01T00:00:00Z..2016-04-01T23:59:59Z");
    EXPECT_EQ(standing_json(*s)["dane_failed_sessions"], 303);
    // The alert event was logged at `now` (2027), outside this window: not listed.
    EXPECT_TRUE(s->alerts.empty());
    auto at_now = tlsrpt_standing(*store_, now, Seconds{7 * 86400});
    ASSERT_EQ(at_now->alerts.size(), 1U);
    EXPECT_EQ(at_now->summary.reports, 0);  // the report's range ended long before
    EXPECT_EQ(standing_lines(*at_now).back().rfind("  alert 2027-01-15T08:00:00Z slot tlsrpt: ", 0),
              0U);
}

}  // namespace
}  // namespace dk::service
