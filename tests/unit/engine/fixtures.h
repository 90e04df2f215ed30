// Builders for planner tests: keys, owners and endpoints in a few words.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/observations.h"
#include "engine/planner.h"
#include "engine/safety.h"
#include "engine/slot_state.h"

namespace dk::engine::testing {

inline const TimePoint epoch = from_unix_seconds(1'800'000'000);

inline SlotKey key(std::uint8_t tag, TimePoint created = epoch) {
    SlotKey k;
    k.id = "k" + std::to_string(tag);
    k.spki_sha256 = Bytes(32, tag);
    k.created_at = created;
    return k;
}

inline OwnerView owner(const std::string& name, std::vector<TlsaRecord> rrset,
                       bool propagated = true, Seconds ttl = Seconds{60}) {
    OwnerView o;
    o.owner = name;
    o.at_primary = std::move(rrset);
    o.propagated = propagated;
    o.validated = propagated;
    o.ttl_max = ttl;
    return o;
}

inline EndpointView serving(const std::string& name, const SlotKey& k, bool dane_ok = true) {
    EndpointView e;
    e.endpoint = name;
    e.address = "192.0.2.1";
    e.reachable = true;
    e.leaf_spki_sha256 = k.spki_sha256;
    e.dane_ok = dane_ok;
    return e;
}

inline EndpointView unreachable(const std::string& name) {
    EndpointView e;
    e.endpoint = name;
    e.address = "192.0.2.1";
    e.problem = "connect: timed out";
    return e;
}

inline const std::string mx1 = "_25._tcp.mx1.example.net.";
inline const std::string mx2 = "_25._tcp.mx2.example.net.";

// A slot "mx" with a current key, its two owners and two endpoints, a policy (margin 15 min,
// renewal 30 days ahead, yearly rollover) and the clock an hour after `epoch`.
class PlannerFixture : public ::testing::Test {
  protected:
    PlannerFixture() {
        policy.margin = Seconds{900};
        policy.renew_before = std::chrono::hours(24 * 30);
        policy.rollover_every = std::chrono::hours(24 * 365);
        state.slot = "mx";
        state.current = cur;
        state.current_cert_not_after = epoch + std::chrono::hours(24 * 80);
        obs.now = epoch + std::chrono::hours(1);
    }

    void publish_records(const std::vector<TlsaRecord>& rrset, bool propagated = true) {
        obs.owners = {owner(mx1, rrset, propagated), owner(mx2, rrset, propagated)};
    }
    void serve(const SlotKey& k) { obs.endpoints = {serving("mx1:25", k), serving("mx2:25", k)}; }
    Action plan() { return plan_next_action(state, policy, obs); }

    SlotKey cur = key(1);
    SlotKey nxt = key(2);
    SlotPolicy policy;
    SlotState state;
    Observations obs;
};

}  // namespace dk::engine::testing
