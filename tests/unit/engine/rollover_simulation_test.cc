// Thousands of simulated rollovers with injected faults. After every step: no endpoint
// presents a key that a DANE sender's cache could lack a record for (so no record of a served
// key was removed, and no key was deployed before it was published long enough everywhere).
// And the rollovers still finish (liveness).
#include <gtest/gtest.h>

#include <chrono>

#include "engine/planner.h"
#include "engine/transitions.h"
#include "fixtures.h"
#include "simulated_world.h"

namespace dk::engine {
namespace {

using namespace testing;
using std::chrono::hours;

struct Scenario {
    const char* name;
    Faults faults;
};

SlotPolicy simulation_policy() {
    SlotPolicy p;
    p.margin = Seconds{30};
    p.rollover_every = hours(48);
    p.renew_before = hours(24 * 30);
    p.recheck = hours(1);
    p.retry = Seconds{30};
    p.propagation_poll = Seconds{2};
    return p;
}

// Runs one seeded world until `wanted` switches completed; returns the failure, if any.
std::string run_world(std::uint32_t seed, const Faults& faults, int wanted, int* switches) {
    const Seconds ttl{60};
    const SlotKey initial = key(1, epoch - hours(24 * 300));
    SimulatedWorld world(seed, faults, ttl, epoch, initial, {"_25._tcp.mx1.", "_25._tcp.mx2."}, 3);
    const SlotPolicy policy = simulation_policy();
    SlotState state;
    state.slot = "mx";
    state.current = initial;
    state.current_cert_not_after = epoch + hours(24 * 60);
    for (int step = 0; step < 20000 && world.switches_seen() < wanted; ++step) {
        const Observations obs = world.observe(state);
        const Action action = plan_next_action(state, policy, obs);
        const auto outcome = world.execute(action, state);
        if (outcome && !world.chance(faults.crash)) state = apply_outcome(state, action, *outcome);
        if (auto broken = world.invariant_violation(); !broken.empty()) {
            return "step " + std::to_string(step) + " after " +
                   std::string(to_string(action.kind)) + " (" + action.reason + "): " + broken;
        }
        if (action.kind == ActionKind::wait || action.kind == ActionKind::alert) {
            const auto until = std::chrono::duration_cast<Seconds>(action.at - world.now());
            const auto most = std::max<long long>(1, until.count());
            world.advance(Seconds{std::uniform_int_distribution<long long>(1, most)(world.rng())});
        } else {
            world.advance(Seconds{std::uniform_int_distribution<>(0, 3)(world.rng())});
        }
        if (world.chance(faults.suspend))
            world.advance(hours(std::uniform_int_distribution<>(1, 30)(world.rng())));
        if (state.phase == Phase::steady && !state.previous && world.chance(0.005)) {
            state = start_rollover(state, false);  // an operator's `rollover start`
        }
    }
    *switches = world.switches_seen();
    if (world.switches_seen() < wanted) {
        return "only " + std::to_string(world.switches_seen()) + " of " + std::to_string(wanted) +
               " rollovers finished";
    }
    return {};
}

class RolloverSimulation : public ::testing::TestWithParam<Scenario> {};

TEST_P(RolloverSimulation, NoSenderEverFailsAndRolloversFinish) {
    const Scenario& scenario = GetParam();
    int total = 0;
    for (std::uint32_t seed = 1; seed <= 150; ++seed) {
        int switches = 0;
        const std::string failure = run_world(seed, scenario.faults, 3, &switches);
        ASSERT_TRUE(failure.empty()) << scenario.name << " seed " << seed << ": " << failure;
        total += switches;
    }
    EXPECT_GE(total, 450);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, RolloverSimulation,
    ::testing::Values(Scenario{"none", {}}, Scenario{"publish_fails", {.publish_fails = 0.3}},
                      Scenario{"concurrent_edit", {.concurrent_edit = 0.2}},
                      Scenario{"server_lags", {.server_lags = 0.4}},
                      Scenario{"reload_fails", {.reload_fails = 0.3}},
                      Scenario{"probe_flakes", {.probe_flakes = 0.2}},
                      Scenario{"issue_fails", {.issue_fails = 0.3}},
                      Scenario{"crash", {.crash = 0.2}}, Scenario{"suspend", {.suspend = 0.05}},
                      Scenario{"revert", {.revert = 0.5}},
                      Scenario{"everything",
                               {.publish_fails = 0.1,
                                .concurrent_edit = 0.05,
                                .server_lags = 0.1,
                                .reload_fails = 0.1,
                                .probe_flakes = 0.05,
                                .issue_fails = 0.1,
                                .crash = 0.1,
                                .suspend = 0.02,
                                .revert = 0.1}}),
    [](const ::testing::TestParamInfo<Scenario>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace dk::engine
