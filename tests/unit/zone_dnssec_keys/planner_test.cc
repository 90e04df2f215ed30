// The shipped key loop (runner.h, with the pure planner) through whole rollovers in a simulated
// world with a fake clock. Every tick asserts that any cache a validating resolver may hold
// validates (KeyWorld::check_validation).
#include "zone/dnssec_keys/planner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "key_run.h"
#include "key_world.h"
#include "zone/dnssec_keys/ds.h"

namespace dk::zone::dnssec_keys::testing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint t0 = from_unix_seconds(1'800'000'000);

KeyPolicy test_policy() {
    KeyPolicy p = unset_zone_policy();
    p.zsk_lifetime = Seconds{0};
    p.ksk_lifetime = Seconds{0};
    p.publish_safety = Seconds{60};
    p.retire_safety = Seconds{60};
    p.default_ds_ttl = Seconds{3600};
    p.poll = Seconds{10};
    p.recheck = Seconds{3600};
    return p;
}

Seconds max_of(const std::vector<Seconds>& v) {
    return v.empty() ? Seconds{0} : *std::max_element(v.begin(), v.end());
}

bool steady(const ZoneKeys& keys) {
    bool ksk = false;
    bool zsk = false;
    for (const auto& k : keys.keys) {
        if (k.state != KeyState::active || !k.state_seen) continue;
        ksk = ksk || (k.role == Role::ksk && k.ds_seen);
        zsk = zsk || k.role == Role::zsk;
    }
    return ksk && zsk;
}

int count_steps(const KeyRun& d, const std::string& text) {
    int n = 0;
    for (const auto& s : d.steps()) n += s.what.find(text) != std::string::npos ? 1 : 0;
    return n;
}

auto gone(const KeyRecord& key) {
    return [tag = key.tag](const ZoneKeys& keys) {
        for (const auto& k : keys.keys) {
            if (k.tag == tag) return k.state == KeyState::removed;
        }
        return false;
    };
}

class KeyPlannerTest : public ::testing::Test {
  protected:
    void start(WorldConfig config = {}) {
        world_ = std::make_unique<KeyWorld>(std::move(config), t0);
        driver_ = std::make_unique<KeyRun>(*world_, policy_);
    }
    void bootstrap() { ASSERT_EQ(driver_->run_until(steady, hours(2)), ""); }
    KeyWorld& world() { return *world_; }
    KeyRun& driver() { return *driver_; }
    const ZoneTtls& ttls() { return world_->config().ttls; }

    KeyPolicy policy_ = test_policy();
    std::unique_ptr<KeyWorld> world_;
    std::unique_ptr<KeyRun> driver_;
};

TEST_F(KeyPlannerTest, FirstSigningMakesOneKskAndOneZskAndPublishesCds) {
    start();
    const Plan& first = driver().tick();
    EXPECT_EQ(world().signings, 1);
    EXPECT_EQ(driver().steps().size(), 2U);
    ASSERT_NE(driver().find(Role::ksk, KeyState::active), nullptr);
    ASSERT_NE(driver().find(Role::zsk, KeyState::active), nullptr);
    EXPECT_EQ(first.selection.dnskeys.size(), 2U);
    EXPECT_EQ(first.selection.key_signers.size(), 1U);
    EXPECT_EQ(first.selection.zone_signers.size(), 1U);
    ASSERT_EQ(first.selection.cds.size(), 1U);
    EXPECT_EQ(first.selection.cdnskey.front(),
              driver().find(Role::ksk, KeyState::active)->dnskey_rdata);
    EXPECT_TRUE(first.fragile);  // not at every server yet
    bootstrap();
    const Plan& calm = driver().tick();
    EXPECT_FALSE(calm.fragile);
    EXPECT_FALSE(calm.sign);
    EXPECT_FALSE(calm.generate);
    EXPECT_EQ(calm.next_due, world().now() + policy_.recheck);
}

TEST_F(KeyPlannerTest, ZskRolloverByPrePublication) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    ASSERT_EQ(driver().run_until(gone(old), hours(3)), "");
    const KeyRecord fresh = *driver().find(Role::zsk, KeyState::active);
    const Seconds lag = max_of(world().config().server_lags);

    const TimePoint published = driver().when(describe(fresh) + ": generated -> published");
    const TimePoint switched = driver().when(describe(fresh) + ": published -> active");
    const TimePoint removed = driver().when(describe(old) + ": retired -> removed");
    ASSERT_NE(switched, TimePoint::max());
    // Signs only once its DNSKEY has been at every server for TTLkey (+ safety).
    EXPECT_GE(switched, published + lag + ttls().dnskey_ttl + policy_.publish_safety);
    // Leaves the DNSKEY RRset only once none of its signatures can be cached anywhere.
    const Seconds ttl_sig = std::max(ttls().max_zone_ttl, ttls().negative_ttl);
    EXPECT_GE(removed, *world().last_signed_by(old.tag) + ttl_sig + policy_.retire_safety);
    // ... and not much later: the waits are the RFC 7583 intervals plus one poll.
    EXPECT_LE(switched, published + lag + ttls().dnskey_ttl + policy_.publish_safety + minutes(1));
    EXPECT_LE(removed, switched + lag + ttl_sig + policy_.retire_safety + minutes(1));
    // The KSK was never touched after its first activation.
    EXPECT_EQ(count_steps(driver(), "ksk"), 1);
}

TEST_F(KeyPlannerTest, KskRolloverByDoubleDs) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::ksk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::ksk));
    std::vector<std::pair<TimePoint, bool>> fragility;
    auto done = [&](const ZoneKeys& keys) {
        fragility.emplace_back(world().now(), driver().last().fragile);
        return gone(old)(keys);
    };
    ASSERT_EQ(driver().run_until(done, hours(8)), "");
    const KeyRecord fresh = *driver().find(Role::ksk, KeyState::active);
    const std::string new_ds = ds_rdata(world().owner(), fresh.dnskey_rdata).value();

    const TimePoint switched = driver().when(describe(fresh) + ": awaiting_ds -> active");
    ASSERT_NE(switched, TimePoint::max());
    EXPECT_EQ(driver().when(describe(old) + ": active -> retired"), switched);
    // The old KSK is retired only after the new DS was at EVERY parent server for its TTL.
    for (std::size_t i = 0; i < world().config().parent_lags.size(); ++i) {
        const auto since = world().parent_serves_since(i, new_ds);
        ASSERT_TRUE(since.has_value()) << "parent server " << i;
        EXPECT_GE(switched, *since + world().config().ds_ttl) << "parent server " << i;
    }
    // The old DS goes only after the new DNSKEY RRset has been everywhere for TTLkey.
    const TimePoint withdrawn = driver().when(describe(old) + ": retired -> ds_withdrawn");
    const Seconds lag = max_of(world().config().server_lags);
    EXPECT_GE(withdrawn, switched + lag + ttls().dnskey_ttl + policy_.retire_safety);
    EXPECT_FALSE(
        world().parent_serves_since(0, ds_rdata(world().owner(), old.dnskey_rdata).value()));
    // Fragile from the switch until the withdrawal, calm before and after.
    for (const auto& [at, fragile] : fragility) {
        if (at < switched || at > withdrawn + lag + minutes(1)) {
            EXPECT_FALSE(fragile) << iso_time(at);
        } else if (at >= switched && at < withdrawn) {
            EXPECT_TRUE(fragile) << iso_time(at);
        }
    }
    EXPECT_EQ(count_steps(driver(), "zsk"), 1);
}

TEST_F(KeyPlannerTest, LaggingParentServerHoldsTheKskSwitch) {
    WorldConfig config;
    config.parent_lags = {Seconds{0}, Seconds{0}, hours(3)};
    start(config);
    ASSERT_EQ(driver().run_until(steady, hours(6)), "");
    const KeyRecord old = *driver().find(Role::ksk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::ksk));
    ASSERT_EQ(driver().run_until(gone(old), hours(12)), "");
    const KeyRecord fresh = *driver().find(Role::ksk, KeyState::active);
    const std::string new_ds = ds_rdata(world().owner(), fresh.dnskey_rdata).value();
    const TimePoint switched = driver().when(describe(fresh) + ": awaiting_ds -> active");
    const auto lagging_since = world().parent_serves_since(2, new_ds);
    ASSERT_TRUE(lagging_since);
    EXPECT_GE(switched, *lagging_since + world().config().ds_ttl);
    EXPECT_GE(switched, driver().when(describe(fresh) + ": generated -> awaiting_ds") + hours(3));
}

TEST_F(KeyPlannerTest, WithoutParentServersTheKskStaysAndTheZskStillRolls) {
    WorldConfig config;
    config.parent_lags = {};
    start(config);
    ASSERT_EQ(driver().run_until([](const ZoneKeys& k) { return !k.keys.empty(); }, hours(1)), "");
    ASSERT_EQ(driver().run_for(hours(1)), "");
    ASSERT_TRUE(driver().request(Role::ksk));
    ASSERT_TRUE(driver().request(Role::zsk));
    const KeyRecord old_zsk = *driver().find(Role::zsk, KeyState::active);
    ASSERT_EQ(driver().run_until(gone(old_zsk), hours(3)), "");
    EXPECT_EQ(count_steps(driver(), "ksk"), 1);  // its first activation only
    EXPECT_EQ(driver().find(Role::ksk, KeyState::generated), nullptr);
    EXPECT_EQ(driver().find(Role::ksk, KeyState::awaiting_ds), nullptr);
    EXPECT_NE(driver().last().reason.find("parent"), std::string::npos) << driver().last().reason;
}

TEST_F(KeyPlannerTest, FailedSigningKeepsTheOldKeysUntilItWorksAgain) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    ASSERT_EQ(driver().run_until(
                  [&](const ZoneKeys&) {
                      const auto* p = driver().find(Role::zsk, KeyState::published);
                      return p != nullptr && p->state_seen;
                  },
                  hours(1)),
              "");
    world().sign_fails = true;
    ASSERT_EQ(driver().run_for(hours(2)), "");
    EXPECT_GT(world().failed_signings, 0);
    const auto* still = driver().find(Role::zsk, KeyState::active);
    ASSERT_NE(still, nullptr);
    EXPECT_EQ(still->tag, old.tag);
    const auto& served = world().versions().back().second.keys;
    EXPECT_EQ(served.zone_signers.front().tag, old.tag);
    world().sign_fails = false;
    ASSERT_EQ(driver().run_until(gone(old), hours(3)), "");
}

TEST_F(KeyPlannerTest, UnansweredServerHoldsEveryStepThatNeedsItsView) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    driver().tick();  // generates and pre-publishes the successor
    ASSERT_NE(driver().find(Role::zsk, KeyState::published), nullptr);
    world().server_down[1] = true;
    ASSERT_EQ(driver().run_for(hours(2)), "");
    EXPECT_EQ(driver().find(Role::zsk, KeyState::active)->tag, old.tag);
    EXPECT_FALSE(driver().last().sign);
    world().server_down[1] = false;
    ASSERT_EQ(driver().run_until(gone(old), hours(3)), "");
}

TEST_F(KeyPlannerTest, UnansweredParentServerHoldsTheKskSwitch) {
    start();
    bootstrap();
    ASSERT_TRUE(driver().request(Role::ksk));
    ASSERT_EQ(driver().run_until(
                  [&](const ZoneKeys&) {
                      const auto* w = driver().find(Role::ksk, KeyState::awaiting_ds);
                      return w != nullptr && w->ds_seen;
                  },
                  hours(2)),
              "");
    world().parent_down[1] = true;
    ASSERT_EQ(driver().run_for(world().config().ds_ttl * 2), "");
    EXPECT_NE(driver().find(Role::ksk, KeyState::awaiting_ds), nullptr);
    EXPECT_NE(driver().last().reason.find("not confirmed"), std::string::npos)
        << driver().last().reason;
    world().parent_down[1] = false;
    ASSERT_EQ(driver().run_until(
                  [&](const ZoneKeys&) {
                      return driver().find(Role::ksk, KeyState::awaiting_ds) == nullptr;
                  },
                  hours(1)),
              "");
}

TEST_F(KeyPlannerTest, ZskLifetimeRollsAgainAndAgain) {
    policy_.zsk_lifetime = hours(6);
    start();
    ASSERT_EQ(driver().run_for(hours(20), Seconds{10}), "");
    EXPECT_GE(count_steps(driver(), "zsk"), 1 + 2 * 4);  // first activation, two rollovers
    EXPECT_GE(count_steps(driver(), "retired -> removed"), 2);
    EXPECT_EQ(count_steps(driver(), "ksk"), 1);
}

TEST_F(KeyPlannerTest, NextDueAloneDrivesAWholeRollover) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    int ticks = 0;
    while (!gone(old)(driver().keys()) && ticks < 1000) {
        const Plan& p = driver().tick();
        ASSERT_EQ(world().check_validation(), "");
        ASSERT_GE(p.next_due, world().now());
        world().advance(
            std::max(Seconds{1}, std::chrono::duration_cast<Seconds>(p.next_due - world().now())));
        ++ticks;
    }
    EXPECT_TRUE(gone(old)(driver().keys()));
    EXPECT_LT(ticks, 200);  // waits are timers, not busy polling
}

// A restart after every step (state through SQLite and back) changes nothing.
TEST_F(KeyPlannerTest, RestartsMidRolloverResumeExactly) {
    auto full_run = [&](const std::string& db) {
        start();
        if (!db.empty()) driver().persist_in(db);
        EXPECT_EQ(driver().run_until(steady, hours(2)), "");
        const KeyRecord zsk = *driver().find(Role::zsk, KeyState::active);
        const KeyRecord ksk = *driver().find(Role::ksk, KeyState::active);
        EXPECT_TRUE(driver().request(Role::zsk));
        EXPECT_TRUE(driver().request(Role::ksk));
        EXPECT_EQ(driver().run_until(
                      [&](const ZoneKeys& k) { return gone(zsk)(k) && gone(ksk)(k); }, hours(8)),
                  "");
        return driver().steps();
    };
    const auto in_memory = full_run("");
    char dir[] = "/tmp/dk-keyroll-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const auto persisted = full_run(std::string(dir) + "/state.db");
    std::filesystem::remove_all(dir);
    ASSERT_EQ(in_memory.size(), persisted.size());
    for (std::size_t i = 0; i < in_memory.size(); ++i)
        EXPECT_EQ(in_memory[i], persisted[i]) << in_memory[i].what << " / " << persisted[i].what;
    EXPECT_GE(in_memory.size(), 9U);
}

// The wall clock of the machine running the loop jumps; the world (servers, caches) runs on.
// Every tick checks that every cache validates, so a wait ended early is a failure.
auto seen_in(Role role, KeyState state, std::uint16_t other_than = 0) {
    return [=](const ZoneKeys& keys) {
        return std::any_of(keys.keys.begin(), keys.keys.end(), [&](const KeyRecord& k) {
            return k.role == role && k.state == state && k.state_seen && k.tag != other_than;
        });
    };
}

auto ds_seen_for_new_ksk(const ZoneKeys& keys) {
    return std::any_of(keys.keys.begin(), keys.keys.end(), [](const KeyRecord& k) {
        return k.state == KeyState::awaiting_ds && k.ds_seen;
    });
}

TEST_F(KeyPlannerTest, AForwardWallJumpDoesNotEndAZskWaitEarly) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    ASSERT_EQ(driver().run_until(seen_in(Role::zsk, KeyState::published), hours(1)), "");
    world().jump_wall(hours(24));  // right after the new ZSK is at every server
    ASSERT_EQ(driver().run_until(seen_in(Role::zsk, KeyState::retired), hours(3)), "");
    world().jump_wall(hours(24));  // right after the old ZSK stopped signing
    ASSERT_EQ(driver().run_until(gone(old), hours(3)), "");
}

TEST_F(KeyPlannerTest, AForwardWallJumpDoesNotEndAKskWaitEarly) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::ksk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::ksk));
    ASSERT_EQ(driver().run_until(ds_seen_for_new_ksk, hours(3)), "");
    world().jump_wall(hours(24));  // right after the new DS is at every parent server
    ASSERT_EQ(driver().run_until(seen_in(Role::ksk, KeyState::active, old.tag), hours(3)), "");
    ASSERT_NE(driver().find(Role::ksk, KeyState::retired), nullptr);
    world().jump_wall(hours(24));  // right after the DNSKEY RRset without the old KSK is served
    ASSERT_EQ(driver().run_until(gone(old), hours(8)), "");
}

// Set back two days on one boot, the monotonic clock still proves the time passed: the rollover
// ends as soon as it would have, not two days later.
TEST_F(KeyPlannerTest, ABackwardWallJumpNeitherShortensNorStallsAZskRollover) {
    start();
    bootstrap();
    const KeyRecord old = *driver().find(Role::zsk, KeyState::active);
    ASSERT_TRUE(driver().request(Role::zsk));
    ASSERT_EQ(driver().run_until(seen_in(Role::zsk, KeyState::published), hours(1)), "");
    world().jump_wall(-hours(48));
    ASSERT_EQ(driver().run_until(gone(old), hours(3)), "");
}

// A restart on the same boot resumes the stored count; a reboot keeps what was stored, loses the
// rest, and the wait then needs the wall clock too. State goes through SQLite at every tick.
TEST_F(KeyPlannerTest, ARebootMidWaitKeepsTheStoredCountAndStillWaitsLongEnough) {
    start();
    char dir[] = "/tmp/dk-keyjump-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    driver().persist_in(std::string(dir) + "/state.db");
    bootstrap();
    ASSERT_TRUE(driver().request(Role::zsk));
    ASSERT_EQ(driver().run_until(seen_in(Role::zsk, KeyState::published), hours(1)), "");
    const KeyRecord* waiting = driver().find(Role::zsk, KeyState::published);
    ASSERT_NE(waiting, nullptr);
    ASSERT_TRUE(waiting->state_seen_mono);
    const std::uint16_t tag = waiting->tag;
    world().advance(Seconds{120});
    driver().tick();
    const KeyRecord* resumed = driver().find(Role::zsk, KeyState::published);
    ASSERT_NE(resumed, nullptr);
    EXPECT_EQ(resumed->state_seen_mono->counted, Seconds{120});
    EXPECT_TRUE(resumed->state_seen_mono->unbroken);
    world().reboot(Seconds{30});
    world().jump_wall(hours(24));
    driver().tick();
    const KeyRecord* rebooted = driver().find(Role::zsk, KeyState::published);
    ASSERT_NE(rebooted, nullptr) << "switched at the reboot";
    EXPECT_EQ(rebooted->state_seen_mono->counted, Seconds{120});
    EXPECT_FALSE(rebooted->state_seen_mono->unbroken);
    ASSERT_EQ(driver().run_until(seen_in(Role::zsk, KeyState::retired), hours(3)), "");
    const TimePoint switched = driver().when(std::to_string(tag) + " (13): published -> active");
    ASSERT_NE(switched, TimePoint::max());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dk::zone::dnssec_keys::testing
