// The pure state transitions (engine/transitions.h) that the runner and the daemon apply.
#include "engine/transitions.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;

SlotState steady_slot() {
    SlotState s;
    s.slot = "mx";
    s.current = key(1);
    s.next = key(2);
    return s;
}

TEST(StartRollover, APlannedRequestRollsWithoutEmergency) {
    const SlotState s = start_rollover(steady_slot(), false);
    EXPECT_EQ(s.phase, Phase::rolling);
    EXPECT_FALSE(s.emergency);
    EXPECT_EQ(s.current, key(1));
    EXPECT_EQ(s.next, key(2));
}

TEST(StartRollover, AnEmergencyRequestIsKeptByALaterPlannedOne) {
    const SlotState urgent = start_rollover(steady_slot(), true);
    EXPECT_EQ(urgent.phase, Phase::rolling);
    EXPECT_TRUE(urgent.emergency);
    EXPECT_TRUE(start_rollover(urgent, false).emergency);
}

TEST(ApplyOutcome, AnAlertCountsAndAWaitClearsTheFailedVerifications) {
    Action alert;
    alert.kind = ActionKind::alert;
    Action wait;
    wait.kind = ActionKind::wait;
    SlotState s = apply_outcome(steady_slot(), alert, {});
    s = apply_outcome(s, alert, {});
    EXPECT_EQ(s.failed_verifications, 2);
    EXPECT_EQ(apply_outcome(s, wait, {}).failed_verifications, 0);
}

}  // namespace
}  // namespace dk::engine
