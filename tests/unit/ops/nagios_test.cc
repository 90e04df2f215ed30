// Monitoring-plugin output: status line, perfdata syntax, long output, and what must be escaped.
#include "ops/nagios.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

TEST(Nagios, StatusLineOnly) {
    EXPECT_EQ(format_nagios({"DANE", NagiosState::ok, "2 of 2 hosts verified", {}, {}}),
              "DANE OK - 2 of 2 hosts verified\n");
}

TEST(Nagios, PerfdataWithThresholdsAndTrailingFieldsOmitted) {
    NagiosReport r{"DANE", NagiosState::critical, "mx2 failed", {}, {}};
    r.perf.push_back({"hosts", 2, "", std::nullopt, std::nullopt, 0, std::nullopt});
    r.perf.push_back({"failed", 1, "", ThresholdRange::zero_to(0), ThresholdRange::zero_to(0),
                      std::nullopt, std::nullopt});
    r.perf.push_back({"time", 0.25, "s", std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    r.perf.push_back(
        {"expiry", 30, "", ThresholdRange::at_least(14), ThresholdRange::at_least(7), 0, 398});
    EXPECT_EQ(format_nagios(r),
              "DANE CRITICAL - mx2 failed | hosts=2;;;0 failed=1;0;0 time=0.250s "
              "expiry=30;14:;7:;0;398\n");
}

// The plugin guidelines' range syntax: "10" is 0..10, "10:" is 10..infinity, "~:10" is
// -infinity..10; a value outside the range alerts.
TEST(Nagios, ThresholdRangesInThePluginSyntax) {
    const auto zero_to_ten = ThresholdRange::zero_to(10);
    EXPECT_EQ(zero_to_ten.text(), "10");
    EXPECT_TRUE(zero_to_ten.alerts(-1));
    EXPECT_FALSE(zero_to_ten.alerts(0));
    EXPECT_FALSE(zero_to_ten.alerts(10));
    EXPECT_TRUE(zero_to_ten.alerts(11));
    const auto from_ten = ThresholdRange::at_least(10);
    EXPECT_EQ(from_ten.text(), "10:");
    EXPECT_TRUE(from_ten.alerts(9));
    EXPECT_FALSE(from_ten.alerts(10));
    EXPECT_FALSE(from_ten.alerts(1e9));
    const auto up_to_ten = ThresholdRange::at_most(10);
    EXPECT_EQ(up_to_ten.text(), "~:10");
    EXPECT_FALSE(up_to_ten.alerts(-1e9));
    EXPECT_TRUE(up_to_ten.alerts(10.5));
    EXPECT_EQ(ThresholdRange::at_least(7.5).text(), "7.500:");
}

TEST(Nagios, LabelsWithSpacesOrQuotesAreQuoted) {
    NagiosReport r{"X", NagiosState::warning, "s", {}, {}};
    r.perf.push_back({"mx1 days", 3, "", {}, {}, {}, {}});
    r.perf.push_back({"it's", 1, "", {}, {}, {}, {}});
    r.perf.push_back({"a=b", 1, "", {}, {}, {}, {}});
    EXPECT_EQ(format_nagios(r), "X WARNING - s | 'mx1 days'=3 'it''s'=1 'a=b'=1\n");
}

TEST(Nagios, PipesAndNewlinesCannotBreakTheFormat) {
    NagiosReport r{"DANE", NagiosState::unknown, "bad | text\nsecond", {"a|b", "c\nd"}, {}};
    EXPECT_EQ(format_nagios(r), "DANE UNKNOWN - bad / text second\na/b\nc d\n");
}

TEST(Nagios, LongOutputFollowsThePerfdataLine) {
    NagiosReport r{"DANE", NagiosState::ok, "ok", {"mx1 verified", "mx2 verified"}, {}};
    r.perf.push_back({"hosts", 2, "", {}, {}, {}, {}});
    EXPECT_EQ(format_nagios(r), "DANE OK - ok | hosts=2\nmx1 verified\nmx2 verified\n");
}

TEST(Nagios, NegativeAndFractionalValues) {
    NagiosReport r{"A", NagiosState::critical, "s", {}, {}};
    r.perf.push_back({"left", -3600, "s", {}, {}, {}, {}});
    r.perf.push_back({"f", 1.5, "", {}, {}, {}, {}});
    EXPECT_EQ(format_nagios(r), "A CRITICAL - s | left=-3600s f=1.500\n");
}

TEST(Nagios, WorseRanksUnknownBetweenWarningAndCritical) {
    EXPECT_EQ(worse(NagiosState::ok, NagiosState::warning), NagiosState::warning);
    EXPECT_EQ(worse(NagiosState::unknown, NagiosState::warning), NagiosState::unknown);
    EXPECT_EQ(worse(NagiosState::unknown, NagiosState::critical), NagiosState::critical);
    EXPECT_EQ(worse(NagiosState::ok, NagiosState::ok), NagiosState::ok);
    EXPECT_EQ(static_cast<int>(NagiosState::unknown), 3);
}

}  // namespace
}  // namespace dk::ops
