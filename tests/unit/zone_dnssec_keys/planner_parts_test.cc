// The planner's pure parts one by one: what observations prove, what a key state publishes,
// what a signing commits, and the RFC 7583 timings.
#include <gtest/gtest.h>

#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/planner.h"
#include "zone/dnssec_keys/transitions.h"

namespace dk::zone::dnssec_keys {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);
const std::string owner = owner_wire("example.test.").value();

KeyRecord key(Role role, KeyState state, char fill) {
    std::string rdata{'\x01', role == Role::ksk ? '\x01' : '\x00', '\x03', '\x0d'};
    rdata.append(64, fill);
    KeyRecord k = new_key_record(0, 13, role, rdata, t0);
    k.tag = static_cast<std::uint16_t>(fill);
    k.state = state;
    return k;
}

ServerKeys server(std::uint32_t serial, std::vector<std::string> dnskeys, bool answered = true) {
    ServerKeys s;
    s.answered = answered;
    s.serial = serial;
    s.dnskeys = std::move(dnskeys);
    return s;
}

ParentServerDs parent(std::vector<std::string> ds, bool answered = true) {
    ParentServerDs p;
    p.answered = answered;
    p.ds = std::move(ds);
    p.ttl = p.ds.empty() ? 0 : 3600;
    return p;
}

TEST(RecordObservations, SeenOnlyWhenEveryServerHasTheSerialAndTheKey) {
    ZoneKeys keys{"example.test.", {key(Role::zsk, KeyState::published, 'a')}};
    keys.keys[0].state_serial = 10;
    const std::string rdata = keys.keys[0].dnskey_rdata;
    KeyObservations obs;
    obs.now = t0;
    obs.servers = {server(10, {rdata}), server(9, {rdata})};  // one behind
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].state_seen);
    obs.servers = {server(10, {rdata}), server(11, {})};  // serial ahead, key missing
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].state_seen);
    obs.servers = {server(10, {rdata}), server(11, {rdata}, false)};  // no answer
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].state_seen);
    obs.servers = {};
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].state_seen);
    obs.servers = {server(10, {rdata}), server(11, {rdata})};
    EXPECT_EQ(record_observations(keys, obs, owner).keys[0].state_seen, t0);
    // A key that left the DNSKEY RRset is seen when it is absent everywhere.
    keys.keys[0].state = KeyState::removed;
    obs.servers = {server(10, {}), server(11, {})};
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].state_seen);  // removed: not tracked
    keys.keys[0].state = KeyState::retired;
    keys.keys[0].role = Role::ksk;  // a retired KSK is out of the DNSKEY RRset
    EXPECT_EQ(record_observations(keys, obs, owner).keys[0].state_seen, t0);
}

TEST(RecordObservations, DsSeenAndGoneNeedEveryParentServer) {
    ZoneKeys keys{"example.test.", {key(Role::ksk, KeyState::awaiting_ds, 'k')}};
    const std::string ds = ds_rdata(owner, keys.keys[0].dnskey_rdata).value();
    const std::string sha384 =
        ds_rdata(owner, keys.keys[0].dnskey_rdata, DigestType::sha384).value();
    KeyObservations obs;
    obs.now = t0;
    obs.parent_observed = true;
    obs.parent = {parent({ds}), parent({})};
    auto k = record_observations(keys, obs, owner).keys[0];
    EXPECT_FALSE(k.ds_seen);
    EXPECT_FALSE(k.ds_gone);
    obs.parent = {parent({ds}), parent({sha384})};  // any digest type counts
    k = record_observations(keys, obs, owner).keys[0];
    EXPECT_EQ(k.ds_seen, t0);
    // Once seen, a parent server that loses the DS undoes the proof; the wait starts again.
    keys.keys[0] = k;
    obs.now = t0 + Seconds{100};
    obs.parent = {parent({ds}), parent({})};
    EXPECT_FALSE(record_observations(keys, obs, owner).keys[0].ds_seen);
    // An unanswered parent server proves nothing either way.
    obs.parent = {parent({ds}), parent({}, false)};
    EXPECT_EQ(record_observations(keys, obs, owner).keys[0].ds_seen, t0);
    obs.parent = {parent({}), parent({})};
    EXPECT_EQ(record_observations(keys, obs, owner).keys[0].ds_gone, t0 + Seconds{100});
    obs.parent_observed = false;
    EXPECT_EQ(record_observations(keys, obs, owner).keys[0].ds_seen, t0);
}

TEST(SelectKeys, EachStatePublishesWhatItShould) {
    ZoneKeys keys{
        "example.test.",
        {key(Role::ksk, KeyState::active, 'a'), key(Role::ksk, KeyState::awaiting_ds, 'b'),
         key(Role::ksk, KeyState::retired, 'c'), key(Role::ksk, KeyState::ds_withdrawn, 'd'),
         key(Role::zsk, KeyState::active, 'e'), key(Role::zsk, KeyState::published, 'f'),
         key(Role::zsk, KeyState::retired, 'g'), key(Role::zsk, KeyState::removed, 'h'),
         key(Role::zsk, KeyState::generated, 'i')}};
    const KeySelection s = select_keys(keys, owner);
    auto rdata = [&](std::size_t i) { return keys.keys[i].dnskey_rdata; };
    EXPECT_EQ(s.dnskeys, (std::vector<std::string>{rdata(0), rdata(4), rdata(5), rdata(6)}));
    EXPECT_EQ(s.key_signers, (std::vector<KeyRef>{{'a', 13}}));
    EXPECT_EQ(s.zone_signers, (std::vector<KeyRef>{{'e', 13}}));
    EXPECT_EQ(s.cdnskey, (std::vector<std::string>{rdata(0), rdata(1), rdata(2)}));
    ASSERT_EQ(s.cds.size(), 3U);
    EXPECT_EQ(s.cds[1], ds_rdata(owner, rdata(1)).value());
}

TEST(CommitSigned, StampsOnlyKeysWhoseStateChanged) {
    ZoneKeys keys{"example.test.",
                  {key(Role::zsk, KeyState::active, 'a'), key(Role::zsk, KeyState::published, 'b'),
                   key(Role::zsk, KeyState::generated, 'c')}};
    keys.keys[0].state_serial = 5;
    const auto done = commit_signed(keys, 9);
    EXPECT_EQ(done.keys[0].state_serial, 5U);
    EXPECT_EQ(done.keys[1].state_serial, 9U);
    EXPECT_FALSE(done.keys[2].state_serial);
}

TEST(Timings, AreTheRfc7583Intervals) {
    const ZoneTtls ttls{Seconds{300}, Seconds{900}, Seconds{1200}};
    KeyPolicy p;
    p.publish_safety = Seconds{10};
    p.retire_safety = Seconds{20};
    EXPECT_EQ(zsk_may_sign_at(t0, ttls, p), t0 + Seconds{310});
    EXPECT_EQ(zsk_may_go_at(t0, ttls, p), t0 + Seconds{1220});  // the negative TTL is longer
    EXPECT_EQ(ksk_may_switch_at(t0, Seconds{86400}, p), t0 + Seconds{86410});
    EXPECT_EQ(old_ds_may_go_at(t0, ttls, p), t0 + Seconds{320});
}

TEST(Serials, FollowRfc1982) {
    EXPECT_TRUE(serial_at_least(5, 5));
    EXPECT_TRUE(serial_at_least(6, 5));
    EXPECT_FALSE(serial_at_least(4, 5));
    EXPECT_TRUE(serial_at_least(2, 0xfffffff0U));  // wrapped
    EXPECT_FALSE(serial_at_least(0xfffffff0U, 2));
}

TEST(Names, RoundTrip) {
    for (const auto s :
         {KeyState::generated, KeyState::awaiting_ds, KeyState::published, KeyState::active,
          KeyState::retired, KeyState::ds_withdrawn, KeyState::removed})
        EXPECT_EQ(parse_state(state_name(s)), s);
    EXPECT_EQ(parse_role("ksk"), Role::ksk);
    EXPECT_EQ(parse_role("zsk"), Role::zsk);
    EXPECT_FALSE(parse_role("csk"));
    EXPECT_FALSE(parse_state("active "));
}

TEST(PlanKeys, NewKeysKeepTheAlgorithmOfTheActiveKeys) {
    KeyPolicy policy;
    policy.algorithm = 15;
    KeyObservations obs;
    obs.now = t0;
    const Plan first = plan_keys(ZoneKeys{"example.test.", {}}, policy, ZoneTtls{}, obs);
    ASSERT_EQ(first.generate, Role::ksk);
    EXPECT_EQ(first.generate_algorithm, 15);
    ZoneKeys keys{"example.test.",
                  {key(Role::ksk, KeyState::active, 'a'), key(Role::zsk, KeyState::active, 'b')}};
    keys.keys[1].roll_requested = true;
    const Plan roll = plan_keys(keys, policy, ZoneTtls{}, obs);
    ASSERT_EQ(roll.generate, Role::zsk);
    EXPECT_EQ(roll.generate_algorithm, 13);  // an algorithm change is no key rollover
}

TEST(RequestRollover, MarksTheActiveKeyOfThatRoleOnly) {
    ZoneKeys keys{"example.test.",
                  {key(Role::ksk, KeyState::active, 'a'), key(Role::zsk, KeyState::retired, 'b')}};
    EXPECT_FALSE(request_rollover(keys, Role::zsk));
    EXPECT_TRUE(request_rollover(keys, Role::ksk));
    EXPECT_TRUE(keys.keys[0].roll_requested);
    EXPECT_FALSE(keys.keys[1].roll_requested);
}

}  // namespace
}  // namespace dk::zone::dnssec_keys
