// Drives the shipped key loop (zone/dnssec_keys/runner.h) through the KeyWorld's ports over
// simulated time: each tick is one run of the loop, as the daemon makes it at each wake-up. The
// key rows live in memory, or (persist_in) in SQLite through the shipped SqlKeyStateStore,
// reopened at every tick: a restart each time.
#pragma once

#include <string>
#include <vector>

#include "key_world.h"
#include "zone/dnssec_keys/runner.h"

namespace dk::zone::dnssec_keys::testing {

// The policy of a zone that sets none of the key options: the configuration's defaults
// (config/schema.h) written out, as KeyPolicy itself has none.
KeyPolicy unset_zone_policy();

// The key-state store in memory, with the events it was given.
class MemoryKeyStore final : public KeyStateStore {
  public:
    explicit MemoryKeyStore(std::string zone) { keys.zone = std::move(zone); }
    Result<ZoneKeys> load() override { return keys; }
    Status save(const ZoneKeys& saved, TimePoint /*at*/, const std::string& event_kind,
                const std::string& details, std::optional<std::uint32_t> serial) override {
        if (save_fails) return Error::environment("state database: fault injected");
        keys = saved;
        events.push_back(event_kind + (serial ? " " + std::to_string(*serial) : "") + ": " +
                         details);
        return {};
    }
    bool save_fails = false;
    ZoneKeys keys;
    std::vector<std::string> events;  // "dnssec_key_step 1001: zsk 4711 (13): ..."
};

struct Step {
    TimePoint at;
    std::string what;  // "zsk 4711 (13): published -> active"
    friend bool operator==(const Step&, const Step&) = default;
};

class KeyRun {
  public:
    KeyRun(KeyWorld& world, KeyPolicy policy);
    // Persist through a state database at `path` (reopened at every tick: a restart each time).
    void persist_in(std::string path) { db_path_ = std::move(path); }

    // One run of the loop: acts until nothing is due now. Returns the last plan (the one before
    // when the run failed).
    const Plan& tick();
    // Ticks every `step` for `span`; stops at the first validation failure (returned).
    std::string run_for(Seconds span, Seconds step = Seconds{5});
    // Runs (ticking every `step`) until `done(keys)` or `limit` passes; "" or the failure.
    template <typename Done>
    std::string run_until(Done done, Seconds limit, Seconds step = Seconds{5});

    // The operator's rollover request, through the shipped transition, stored.
    bool request(Role role);

    [[nodiscard]] const ZoneKeys& keys() const { return keys_; }
    [[nodiscard]] const Plan& last() const { return last_; }
    [[nodiscard]] const std::vector<Step>& steps() const { return steps_; }
    [[nodiscard]] const MemoryKeyStore& memory() const { return memory_; }
    // When a step matching `text` (substring) was taken; TimePoint::max() when never.
    [[nodiscard]] TimePoint when(const std::string& text) const;
    [[nodiscard]] const KeyRecord* find(Role role, KeyState state) const;

  private:
    // Calls `use` with the store of this tick; keys() follows what it holds afterwards.
    template <typename Use>
    void with_store(Use use);
    KeyWorld& world_;
    KeySetup setup_;
    MemoryKeyStore memory_;
    std::string db_path_;
    ZoneKeys keys_;
    Plan last_;
    std::vector<Step> steps_;
};

template <typename Done>
std::string KeyRun::run_until(Done done, Seconds limit, Seconds step) {
    const TimePoint end = world_.now() + limit;
    while (world_.now() < end) {
        tick();
        if (auto failure = world_.check_validation(); !failure.empty())
            return iso_time(world_.now()) + ": " + failure;
        if (done(keys_)) return {};
        world_.advance(step);
    }
    return "did not finish within the limit; last reason: " + last_.reason;
}

}  // namespace dk::zone::dnssec_keys::testing
