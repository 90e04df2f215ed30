// Prometheus exposition: every family, optional ones left out, label escaping.
#include "ops/metrics.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

TEST(Metrics, EveryFamilyInTextFormat) {
    MetricsSnapshot s;
    s.endpoints = {{"mx", "mx1.example.test:25", "192.0.2.1", "ecdsa", true},
                   {"mx", "mx2.example.test:25", "192.0.2.2", "rsa", false}};
    s.owners = {{"_25._tcp.mx1.example.test.", 3600}, {"_25._tcp.mx2.example.test.", std::nullopt}};
    s.slots = {{"mx", now + Seconds{86400 * 3 / 2}, now + Seconds{120}, "publish_next"},
               {"idle", std::nullopt, std::nullopt, ""}};
    s.next_action = now + Seconds{90};
    s.last_run_result = 1;
    s.last_run_seconds = 0.25;
    s.last_run_at = now;
    s.tlsrpt_reports = 2;
    s.tlsrpt_dane_failed_sessions = 7;
    s.tlsrpt_failures = {{"tlsa-invalid", "tlsa", "mx1.example.net", true, 7},
                         {"sts-policy-invalid", "sts", "mx1.example.net", false, 3}};
    EXPECT_EQ(prometheus_text(s, now),
              "# HELP danekeeper_endpoint_match 1 when the endpoint address presents a chain "
              "matching its published TLSA RRset\n"
              "# TYPE danekeeper_endpoint_match gauge\n"
              "danekeeper_endpoint_match{slot=\"mx\",endpoint=\"mx1.example.test:25\","
              "address=\"192.0.2.1\",algorithm=\"ecdsa\"} 1\n"
              "danekeeper_endpoint_match{slot=\"mx\",endpoint=\"mx2.example.test:25\","
              "address=\"192.0.2.2\",algorithm=\"rsa\"} 0\n"
              "# HELP danekeeper_certificate_expiry_days days until the certificate served for "
              "the current key expires\n"
              "# TYPE danekeeper_certificate_expiry_days gauge\n"
              "danekeeper_certificate_expiry_days{slot=\"mx\"} 1.5\n"
              "# HELP danekeeper_rrsig_seconds_left seconds until the earliest RRSIG over the "
              "TLSA RRset expires\n"
              "# TYPE danekeeper_rrsig_seconds_left gauge\n"
              "danekeeper_rrsig_seconds_left{owner=\"_25._tcp.mx1.example.test.\"} 3600\n"
              "# HELP danekeeper_next_action_seconds seconds until the engine's next due step\n"
              "# TYPE danekeeper_next_action_seconds gauge\n"
              "danekeeper_next_action_seconds 90\n"
              "# HELP danekeeper_slot_next_action_seconds seconds until the slot's next planned "
              "step (label action: what it is)\n"
              "# TYPE danekeeper_slot_next_action_seconds gauge\n"
              "danekeeper_slot_next_action_seconds{slot=\"mx\",action=\"publish_next\"} 120\n"
              "# HELP danekeeper_last_run_result exit code of the last run: 0 ok, 1 alert, 2 "
              "configuration, 3 environment\n"
              "# TYPE danekeeper_last_run_result gauge\n"
              "danekeeper_last_run_result 1\n"
              "# HELP danekeeper_last_run_duration_seconds how long the last run took\n"
              "# TYPE danekeeper_last_run_duration_seconds gauge\n"
              "danekeeper_last_run_duration_seconds 0.25\n"
              "# HELP danekeeper_last_run_timestamp_seconds when the last run ended (Unix time)\n"
              "# TYPE danekeeper_last_run_timestamp_seconds gauge\n"
              "danekeeper_last_run_timestamp_seconds 1790000000\n"
              "# HELP danekeeper_tlsrpt_reports SMTP TLS reports (RFC 8460) whose date range "
              "ended in the last 7 days\n"
              "# TYPE danekeeper_tlsrpt_reports gauge\n"
              "danekeeper_tlsrpt_reports 2\n"
              "# HELP danekeeper_tlsrpt_dane_failed_sessions sessions senders reported failing "
              "DANE at our MX in the last 7 days\n"
              "# TYPE danekeeper_tlsrpt_dane_failed_sessions gauge\n"
              "danekeeper_tlsrpt_dane_failed_sessions 7\n"
              "# HELP danekeeper_tlsrpt_failed_sessions sessions senders reported failing in the "
              "last 7 days, by result type, policy and MX\n"
              "# TYPE danekeeper_tlsrpt_failed_sessions gauge\n"
              "danekeeper_tlsrpt_failed_sessions{result_type=\"tlsa-invalid\",policy_type=\"tlsa\","
              "mx=\"mx1.example.net\",dane=\"1\"} 7\n"
              "danekeeper_tlsrpt_failed_sessions{result_type=\"sts-policy-invalid\",policy_type="
              "\"sts\",mx=\"mx1.example.net\",dane=\"0\"} 3\n");
}

TEST(Metrics, PastNextActionIsZeroAndAbsentIsLeftOut) {
    MetricsSnapshot s;
    s.next_action = now - Seconds{5};
    EXPECT_NE(prometheus_text(s, now).find("danekeeper_next_action_seconds 0\n"),
              std::string::npos);
    s.next_action.reset();
    EXPECT_EQ(prometheus_text(s, now).find("danekeeper_next_action_seconds"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
    EXPECT_EQ(escape_label("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
    MetricsSnapshot s;
    s.slots = {{"we\"ird", now, std::nullopt, ""}};
    EXPECT_NE(prometheus_text(s, now).find("{slot=\"we\\\"ird\"} 0\n"), std::string::npos);
}

}  // namespace
}  // namespace dk::ops
