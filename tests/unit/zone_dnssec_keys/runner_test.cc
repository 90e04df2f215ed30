// What the shipped key loop (runner.h) stores, and in which order, against the KeyWorld's ports.
#include "zone/dnssec_keys/runner.h"

#include <gtest/gtest.h>

#include "key_run.h"
#include "key_world.h"
#include "zone/dnssec_keys/transitions.h"

namespace dk::zone::dnssec_keys::testing {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);

class KeyRunnerTest : public ::testing::Test {
  protected:
    Result<Plan> run() {
        KeyPorts ports{world, store, world, world, world};
        return run_keys({world.config().zone, policy, world.config().ttls}, ports);
    }
    KeyWorld world{WorldConfig{}, t0};
    MemoryKeyStore store{WorldConfig{}.zone};
    KeyPolicy policy = unset_zone_policy();
};

TEST_F(KeyRunnerTest, FirstRunStoresEachNewKeyThenTheSigningStepWithItsSerial) {
    auto plan = run();
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_GE(store.events.size(), 3U);
    EXPECT_TRUE(store.events[0].starts_with("dnssec_key_generated: ")) << store.events[0];
    EXPECT_NE(store.events[0].find(".key"), std::string::npos) << store.events[0];
    EXPECT_TRUE(store.events[1].starts_with("dnssec_key_generated: ")) << store.events[1];
    EXPECT_TRUE(store.events[2].starts_with("dnssec_key_step 1001: ")) << store.events[2];
    // After a step the loop looks again; what it then sees is stored as an observation.
    for (std::size_t i = 3; i < store.events.size(); ++i)
        EXPECT_TRUE(store.events[i].starts_with("dnssec_observed: ")) << store.events[i];
    EXPECT_EQ(world.signings, 1);
    ASSERT_EQ(store.keys.keys.size(), 2U);
    for (const auto& k : store.keys.keys) {
        EXPECT_EQ(k.state, KeyState::active) << describe(k);
        EXPECT_EQ(k.state_serial, 1001U) << describe(k);
    }
    EXPECT_TRUE(plan->fragile);  // the new keys are not at every server yet
}

// A key made but not recorded (the store fails) is discarded: no orphan key files.
TEST_F(KeyRunnerTest, AKeyThatCannotBeRecordedIsDiscarded) {
    store.save_fails = true;
    auto plan = run();
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("fault injected"), std::string::npos);
    ASSERT_EQ(world.discarded.size(), 1U);
    EXPECT_TRUE(store.keys.keys.empty());
    EXPECT_EQ(world.signings, 0);
}

TEST_F(KeyRunnerTest, AFailedSigningStoresNoStepAndIsReturned) {
    world.sign_fails = true;
    auto plan = run();
    ASSERT_FALSE(plan.ok());
    EXPECT_NE(plan.error().message.find("fault injected"), std::string::npos);
    EXPECT_EQ(world.failed_signings, 1);
    // The keys were made and stored, but none became active: nothing was signed with them.
    ASSERT_EQ(store.keys.keys.size(), 2U);
    for (const auto& k : store.keys.keys) {
        EXPECT_EQ(k.state, KeyState::generated) << describe(k);
        EXPECT_FALSE(k.state_serial);
    }
    for (const auto& e : store.events) EXPECT_FALSE(e.starts_with("dnssec_key_step")) << e;
    world.sign_fails = false;
    const auto failed_run_events = store.events.size();
    ASSERT_TRUE(run().ok());
    ASSERT_GT(store.events.size(), failed_run_events);
    EXPECT_TRUE(store.events[failed_run_events].starts_with("dnssec_key_step 1001: "))
        << store.events[failed_run_events];
}

TEST_F(KeyRunnerTest, EachRoundStartsFromWhatIsStored) {
    ASSERT_TRUE(run().ok());
    world.advance(Seconds{3600});
    ASSERT_TRUE(run().ok());
    // An operator's request lands in the store between runs; the next run acts on it.
    ASSERT_TRUE(request_rollover(store.keys, Role::zsk));
    const auto before = store.keys.keys.size();
    ASSERT_TRUE(run().ok());
    EXPECT_EQ(store.keys.keys.size(), before + 1);  // the successor ZSK
}

}  // namespace
}  // namespace dk::zone::dnssec_keys::testing
