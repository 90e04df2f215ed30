// When the daemon wakes for its slots' next steps (service/daemon/slot_runs.h): steps due close
// together are taken in one pass, never before any of them is due.
#include <gtest/gtest.h>

#include "service/daemon/slot_runs.h"

namespace dk::service {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);
const TimePoint idle_end = t0 + std::chrono::hours(1);

TEST(WakeForSteps, NothingDueWakesAtTheIdleEnd) {
    EXPECT_EQ(wake_for_steps({}, idle_end), idle_end);
}

// The switch times of 100 slots that published in one round spread over the seconds that round
// took: one pass at the last of them instead of one per slot.
TEST(WakeForSteps, StepsDueCloseTogetherAreTakenAtTheLastOfThem) {
    std::vector<TimePoint> due;
    for (int i = 0; i < 100; ++i) due.push_back(t0 + std::chrono::milliseconds(40 * i));
    due.push_back(t0 + std::chrono::hours(1));  // a slot in steady state
    EXPECT_EQ(wake_for_steps(due, idle_end), t0 + std::chrono::milliseconds(40 * 99));
}

TEST(WakeForSteps, AStepDueLaterThanTheWindowWaitsForItsOwnPass) {
    const std::vector<TimePoint> due{t0 + Seconds{30}, t0 + Seconds{2},
                                     t0 + Seconds{2} + steps_due_together,
                                     t0 + Seconds{3} + steps_due_together};
    EXPECT_EQ(wake_for_steps(due, idle_end), t0 + Seconds{2} + steps_due_together);
}

TEST(WakeForSteps, NeverBeforeTheEarliestStep) {
    const std::vector<TimePoint> due{t0 + Seconds{9}};
    EXPECT_EQ(wake_for_steps(due, idle_end), t0 + Seconds{9});
    EXPECT_EQ(wake_for_steps({t0 - Seconds{5}}, idle_end), t0 - Seconds{5});  // overdue: at once
}

}  // namespace
}  // namespace dk::service
