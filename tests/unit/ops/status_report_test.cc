// status --nagios: the state and perfdata each slot condition gives.
#include "ops/status_report.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

// The last run over every slot finished a minute ago; one is expected hourly.
const RunFreshness fresh{now - Seconds{60}, 0, Seconds{3600}, 2, 6};

SlotStatusFacts healthy(std::string name = "mx") {
    return {std::move(name), true, now + Seconds{60 * 86400}, 30, 0, std::nullopt};
}

TEST(StatusReport, HealthySlotIsOkWithPerfdata) {
    EXPECT_EQ(format_nagios(status_nagios({healthy()}, fresh, now)),
              "DANEKEEPER OK - 1 key slots | mx_failed_verifications=0;;0;0 "
              "mx_cert_days=60;15:;7: last_run_age=60s;7200;21600;0\n"
              "mx: certificate until 2026-11-20T14:13:20Z\n"
              "last run over every slot finished 2026-09-21T14:12:20Z\n");
}

TEST(StatusReport, ExpiryThresholds) {
    auto s = healthy();
    s.cert_not_after = now + Seconds{15 * 86400};  // exactly half of 30: not yet overdue
    EXPECT_EQ(status_nagios({s}, fresh, now).state, NagiosState::ok);
    s.cert_not_after = now + Seconds{14 * 86400};
    EXPECT_EQ(status_nagios({s}, fresh, now).state, NagiosState::warning);
    s.cert_not_after = now + Seconds{7 * 86400};
    EXPECT_EQ(status_nagios({s}, fresh, now).state, NagiosState::warning);
    s.cert_not_after = now + Seconds{6 * 86400};
    EXPECT_EQ(status_nagios({s}, fresh, now).state, NagiosState::critical);
    s.cert_not_after = now - Seconds{1};
    const auto r = status_nagios({s}, fresh, now);
    EXPECT_EQ(r.state, NagiosState::critical);
    EXPECT_EQ(r.summary, "1 key slots: mx certificate expires in -1 days");
}

TEST(StatusReport, FailedVerificationsAreCritical) {
    auto s = healthy();
    s.failed_verifications = 2;
    EXPECT_EQ(status_nagios({healthy("a"), s}, fresh, now).state, NagiosState::critical);
}

TEST(StatusReport, NotAdoptedWarnsAndNoSlotsIsUnknown) {
    SlotStatusFacts s;
    s.slot = "new";
    EXPECT_EQ(status_nagios({healthy(), s}, fresh, now).state, NagiosState::warning);
    EXPECT_EQ(status_nagios({}, fresh, now).state, NagiosState::unknown);
}

TEST(StatusReport, WaitingRolloverReportsSecondsToTheSwitch) {
    auto s = healthy();
    s.switch_not_before = now + Seconds{42};
    const auto text = format_nagios(status_nagios({s}, fresh, now));
    EXPECT_NE(text.find(" mx_switch_in=42s;;;0"), std::string::npos) << text;
}

// Read as a monitoring system reads the plugin range syntax, each threshold alerts exactly when
// the state says so ("7" would read as "alert above 7": every healthy certificate CRITICAL).
TEST(StatusReport, CertificateDaysThresholdsAlertWhenTheStateDoes) {
    for (int days = -2; days <= 40; ++days) {
        auto s = healthy();
        s.cert_not_after = now + Seconds{days * 86400LL};
        const auto r = status_nagios({s}, fresh, now);
        const auto& datum = r.perf.at(1);
        ASSERT_EQ(datum.label, "mx_cert_days");
        EXPECT_EQ(datum.crit->alerts(datum.value), r.state == NagiosState::critical) << days;
        EXPECT_EQ(datum.warn->alerts(datum.value), r.state != NagiosState::ok) << days;
    }
}

TEST(StatusReport, FailedVerificationsThresholdAlertsAboveZero) {
    auto s = healthy();
    s.failed_verifications = 1;
    const auto r = status_nagios({s}, fresh, now);
    EXPECT_TRUE(r.perf.front().crit->alerts(1));
    EXPECT_FALSE(r.perf.front().crit->alerts(0));
}

// A daemon that died reads as one: the last run's age against the interval x the factors.
TEST(StatusReport, AStaleRunIsAWarningThenCritical) {
    RunFreshness runs = fresh;
    runs.last_run = now - Seconds{7200};  // exactly 2 intervals: not yet stale
    EXPECT_EQ(status_nagios({healthy()}, runs, now).state, NagiosState::ok);
    runs.last_run = now - Seconds{7201};
    auto r = status_nagios({healthy()}, runs, now);
    EXPECT_EQ(r.state, NagiosState::warning);
    EXPECT_EQ(r.summary, "1 key slots: last run 7201 s ago (is the daemon running?)");
    runs.last_run = now - Seconds{21601};
    r = status_nagios({healthy()}, runs, now);
    EXPECT_EQ(r.state, NagiosState::critical);
    const auto& age = r.perf.back();
    ASSERT_EQ(age.label, "last_run_age");
    EXPECT_TRUE(age.crit->alerts(age.value));
    runs.interval = Seconds{300};  // a 5-minute timer: 11 minutes is a warning
    runs.last_run = now - Seconds{660};
    EXPECT_EQ(status_nagios({healthy()}, runs, now).state, NagiosState::warning);
    runs.last_run = now + Seconds{3600};  // a clock set back: age 0, not negative
    EXPECT_EQ(status_nagios({healthy()}, runs, now).perf.back().value, 0);
}

TEST(StatusReport, NoRunRecordedIsAWarning) {
    RunFreshness never = fresh;
    never.last_run.reset();
    const auto r = status_nagios({healthy()}, never, now);
    EXPECT_EQ(r.state, NagiosState::warning);
    EXPECT_EQ(r.summary, "1 key slots: no run over every slot recorded yet");
}

// A run whose steps keep failing (a deploy to a host that is down, a refused update) still
// finishes on time: its exit code must not read OK (seen with an SSH host down: status OK).
TEST(StatusReport, ALastRunThatFailedIsAWarning) {
    RunFreshness failed = fresh;
    failed.last_result = 3;
    const auto r = status_nagios({healthy()}, failed, now);
    EXPECT_EQ(r.state, NagiosState::warning);
    EXPECT_EQ(r.summary,
              "1 key slots: the last run ended with exit code 3 (a step failed: danekeeper log)");
    failed.last_result = 0;
    EXPECT_EQ(status_nagios({healthy()}, failed, now).state, NagiosState::ok);
}

// Senders' DANE failures (TLSRPT): CRITICAL while the latest report with them ended within two
// days, WARNING for the rest of the week; the count and each organization named.
TEST(StatusReport, ReportedDaneFailuresAreCriticalWhileRecentThenWarn) {
    const std::vector<ReportedDaneFailures> recent{{"Company-X", 200, now - Seconds{86400}},
                                                   {"Sender B", 7, now - Seconds{5 * 86400}}};
    const auto r = status_nagios({healthy()}, fresh, now, recent);
    EXPECT_EQ(r.state, NagiosState::critical);
    const std::string text = format_nagios(r);
    EXPECT_NE(text.find("DANEKEEPER CRITICAL - 1 key slots: senders reported 207 DANE-failed "
                        "sessions (Company-X 200, Sender B 7) (danekeeper tlsrpt summary)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(" tlsrpt_dane_failed_sessions=207;0;;0"), std::string::npos) << text;
    EXPECT_NE(text.find("\ntlsrpt: Sender B reported 7 DANE-failed sessions, the latest in a "
                        "report ending "),
              std::string::npos)
        << text;

    const std::vector<ReportedDaneFailures> older{{"Sender B", 7, now - Seconds{3 * 86400}}};
    const auto w = status_nagios({healthy()}, fresh, now, older);
    EXPECT_EQ(w.state, NagiosState::warning);
    EXPECT_NE(format_nagios(w).find("none in reports of the last 2 days"), std::string::npos);
    // Exactly two days old still counts as recent.
    const std::vector<ReportedDaneFailures> edge{{"Sender B", 1, now - tlsrpt_critical_age}};
    EXPECT_EQ(status_nagios({healthy()}, fresh, now, edge).state, NagiosState::critical);
}

TEST(StatusReport, NothingReportedLeavesTheLineAsItWas) {
    EXPECT_EQ(format_nagios(status_nagios({healthy()}, fresh, now, {})),
              format_nagios(status_nagios({healthy()}, fresh, now)));
    EXPECT_EQ(status_nagios({healthy()}, fresh, now, {}).state, NagiosState::ok);
}

}  // namespace
}  // namespace dk::ops
