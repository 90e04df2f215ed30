// status --nagios: the state and perfdata each slot condition gives.
#include "ops/status_report.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

SlotStatusFacts healthy(std::string name = "mx") {
    return {std::move(name), true, now + Seconds{60 * 86400}, 30, 0, std::nullopt};
}

TEST(StatusReport, HealthySlotIsOkWithPerfdata) {
    EXPECT_EQ(format_nagios(status_nagios({healthy()}, now)),
              "DANEKEEPER OK - 1 key slots | mx_failed_verifications=0;;0;0 "
              "mx_cert_days=60;15;7\nmx: certificate until 2026-11-20T14:13:20Z\n");
}

TEST(StatusReport, ExpiryThresholds) {
    auto s = healthy();
    s.cert_not_after = now + Seconds{15 * 86400};  // exactly half of 30: not yet overdue
    EXPECT_EQ(status_nagios({s}, now).state, NagiosState::ok);
    s.cert_not_after = now + Seconds{14 * 86400};
    EXPECT_EQ(status_nagios({s}, now).state, NagiosState::warning);
    s.cert_not_after = now + Seconds{7 * 86400};
    EXPECT_EQ(status_nagios({s}, now).state, NagiosState::warning);
    s.cert_not_after = now + Seconds{6 * 86400};
    EXPECT_EQ(status_nagios({s}, now).state, NagiosState::critical);
    s.cert_not_after = now - Seconds{1};
    const auto r = status_nagios({s}, now);
    EXPECT_EQ(r.state, NagiosState::critical);
    EXPECT_EQ(r.summary, "1 key slots: mx certificate expires in -1 days");
}

TEST(StatusReport, FailedVerificationsAreCritical) {
    auto s = healthy();
    s.failed_verifications = 2;
    EXPECT_EQ(status_nagios({healthy("a"), s}, now).state, NagiosState::critical);
}

TEST(StatusReport, NotAdoptedWarnsAndNoSlotsIsUnknown) {
    SlotStatusFacts s;
    s.slot = "new";
    EXPECT_EQ(status_nagios({healthy(), s}, now).state, NagiosState::warning);
    EXPECT_EQ(status_nagios({}, now).state, NagiosState::unknown);
}

TEST(StatusReport, WaitingRolloverReportsSecondsToTheSwitch) {
    auto s = healthy();
    s.switch_not_before = now + Seconds{42};
    const auto text = format_nagios(status_nagios({s}, now));
    EXPECT_NE(text.find(" mx_switch_in=42s;;;0"), std::string::npos) << text;
}

}  // namespace
}  // namespace dk::ops
