#include "service/tlsrpt/intake.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "rfc8460_example.h"
#include "service/tlsrpt/summary.h"
#include "store_fixture.h"
#include "tlsrpt/gzip.h"

namespace dk::service {
namespace {

class IntakeTest : public StoreFixture {
  protected:
    const TimePoint now = from_unix_seconds(1'800'000'000);
};

// A TLSA-policy report from a second sender: DANE failures on mx1, a STS failure beside them.
std::string dane_report(const std::string& id) {
    nlohmann::json doc = nlohmann::json::parse(rfc8460_example);
    doc["organization-name"] = "Sender B";
    doc["report-id"] = id;
    auto& p = doc["policies"][0];
    p["policy"]["policy-type"] = "tlsa";
    p["failure-details"][0]["result-type"] = "tlsa-invalid";
    p["failure-details"][1]["result-type"] = "starttls-not-supported";
    return doc.dump();
}

TEST_F(IntakeTest, AReportIsStoredOnceAndItsDaneFailuresCounted) {
    auto first = take_in_report(*store_, tlsrpt::gzip(dane_report("b-1")), "mail 1", now);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(first->stored);
    EXPECT_EQ(first->organization, "Sender B");
    EXPECT_EQ(first->failed_sessions, 303U);
    EXPECT_EQ(first->dane_failed_sessions, 303U);  // tlsa-invalid, STARTTLS, validation-failure
    auto again = take_in_report(*store_, dane_report("b-1"), "https", now);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->stored);
    auto rows = store_->tlsrpt_reports_since(TimePoint{}).value();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].source, "mail 1");
    EXPECT_EQ(rows[0].received_at, now);
    EXPECT_EQ(rows[0].policies[0].policy_strings,
              "version: STSv1\nmode: testing\nmx: *.mail.company-y.example\nmax_age: 86400");
}

TEST_F(IntakeTest, AMalformedReportNamesItsSourceAndStoresNothing) {
    std::string text = dane_report("b-2");
    text.replace(text.find("\"tlsa-invalid\""), 14, "17");
    auto r = take_in_report(*store_, text, "mail 2", now);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(r.error().message,
              "mail 2: policies[0].failure-details[0].result-type: not a string");
    EXPECT_TRUE(store_->tlsrpt_reports_since(TimePoint{}).value().empty());
}

TEST_F(IntakeTest, AFileIsReadGzippedOrPlain) {
    const std::string path = dir_ + "/report.json.gz";
    std::ofstream(path, std::ios::binary) << tlsrpt::gzip(rfc8460_example);
    auto r = take_in_file(*store_, path, now);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->report_id, "5065427c-23d3-47ca-b6e0-946ea0e8c4be");
    EXPECT_EQ(r->dane_failed_sessions, 0U);  // an STS policy: not ours to alert on
}

TEST_F(IntakeTest, TheSummaryGroupsFailuresByTypeAndMxDaneMarked) {
    ASSERT_TRUE(take_in_report(*store_, rfc8460_example, "a", now).ok());
    ASSERT_TRUE(take_in_report(*store_, dane_report("b-1"), "b", now).ok());
    ASSERT_TRUE(take_in_report(*store_, dane_report("b-2"), "c", now).ok());
    const TlsrptSummary s = summarise(store_->tlsrpt_reports_since(TimePoint{}).value());
    EXPECT_EQ(s.reports, 3);
    EXPECT_EQ(s.organizations, 2);
    EXPECT_EQ(s.successful_sessions, 3 * 5326);
    EXPECT_EQ(s.failed_sessions, 3 * 303);
    EXPECT_EQ(s.dane_failed_sessions, 2 * 303);
    ASSERT_EQ(s.failures.size(), 6U);
    EXPECT_EQ(s.failures[0].result_type, "starttls-not-supported");
    EXPECT_EQ(s.failures[0].policy_type, "tlsa");
    EXPECT_TRUE(s.failures[0].dane);
    EXPECT_EQ(s.failures[0].failed_sessions, 400);
    EXPECT_EQ(s.failures[0].reports, 2);
    const auto sts = std::find_if(s.failures.begin(), s.failures.end(), [](const auto& g) {
        return g.policy_type == "sts" && g.result_type == "certificate-expired";
    });
    ASSERT_NE(sts, s.failures.end());
    EXPECT_FALSE(sts->dane);
    EXPECT_EQ(sts->receiving_mx_hostname, "mx1.mail.company-y.example");
}

}  // namespace
}  // namespace dk::service
