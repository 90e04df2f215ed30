// A small simulated world for the planner: DNS versions per owner with a lagging secondary,
// resolver caches bounded by the TTL, endpoints that reload (or fail to), and faults injected
// by a seeded random source. It checks the invariant that matters after every step: every key
// an endpoint presents matches every TLSA RRset a cache may hold at that moment.
#pragma once

#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine/actions.h"
#include "engine/observations.h"
#include "engine/slot_state.h"
#include "engine/transitions.h"

namespace dk::engine::testing {

struct Faults {
    double publish_fails = 0;    // the update is lost (timeout / SERVFAIL)
    double concurrent_edit = 0;  // someone else changes the RRset before our update
    double server_lags = 0;      // the secondary takes minutes instead of seconds
    double reload_fails = 0;     // one endpoint does not pick up the new key
    double probe_flakes = 0;     // an endpoint cannot be reached this time
    double issue_fails = 0;      // the CA says no this time
    double crash = 0;            // the effect happened, the state transition was lost
    double suspend = 0;          // the host sleeps for hours
    double revert = 0;           // after a switch, one endpoint serves the old key for a while
};

struct DnsVersion {
    TimePoint primary_from{};
    TimePoint secondary_from{};
    std::set<TlsaRecord> rrset;
};

class SimulatedWorld {
  public:
    SimulatedWorld(std::uint32_t seed, Faults faults, Seconds ttl, TimePoint start,
                   const SlotKey& initial_key, std::vector<std::string> owners, int endpoints);

    [[nodiscard]] TimePoint now() const { return now_; }
    void advance(Seconds d) { now_ += d; }
    std::mt19937& rng() { return rng_; }
    bool chance(double p) { return std::uniform_real_distribution<>(0, 1)(rng_) < p; }

    Observations observe(const SlotState& state);

    // Carries out the action; returns the outcome, or nullopt when the action failed.
    std::optional<Outcome> execute(const Action& action, const SlotState& state);

    // Empty when no DANE sender can fail now; otherwise what breaks.
    [[nodiscard]] std::string invariant_violation() const;

    [[nodiscard]] int switches_seen() const { return switches_; }

  private:
    const std::set<TlsaRecord>& latest(const std::string& owner) const;
    void set_rrset(const std::string& owner, std::set<TlsaRecord> rrset);
    [[nodiscard]] std::vector<const DnsVersion*> cacheable_versions(const std::string& owner) const;
    bool apply_update(const std::string& owner, const std::vector<TlsaChange>& changes);
    [[nodiscard]] const Bytes& presented(std::size_t endpoint) const;

    std::mt19937 rng_;
    Faults faults_;
    Seconds ttl_;
    TimePoint now_;
    std::map<std::string, std::vector<DnsVersion>> dns_;
    std::vector<Bytes> presented_;           // per endpoint
    std::vector<TimePoint> reverted_until_;  // per endpoint: serving old_key_ until then
    Bytes old_key_;
    Bytes deployed_;                   // the key in the deployed files
    std::optional<Bytes> issued_for_;  // the key the last certificate was issued for
    int next_key_tag_ = 100;
    int switches_ = 0;
};

}  // namespace dk::engine::testing
