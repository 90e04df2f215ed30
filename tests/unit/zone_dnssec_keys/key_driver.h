// The shell's loop around the key planner, as the daemon runs it, against a KeyWorld: observe,
// plan, generate or sign, commit. Optionally every state goes through SQLite and back (a
// restart after every step), through the same conversion the program uses.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "db/store.h"
#include "key_world.h"
#include "service/signing/dnssec_key_rows.h"

namespace dk::zone::dnssec_keys::testing {

struct Step {
    TimePoint at;
    std::string what;  // "zsk 4711 (13): published -> active"
    friend bool operator==(const Step&, const Step&) = default;
};

class KeyDriver {
  public:
    KeyDriver(KeyWorld& world, KeyPolicy policy) : world_(world), policy_(policy) {
        keys_.zone = world.config().zone;
    }
    // Persist through a state database at `path` (reopened at every tick: a restart each time).
    void persist_in(std::string path) { db_path_ = std::move(path); }

    // One run of the shell: acts until nothing is due now. Returns the last plan.
    const Plan& tick();
    // Ticks every `step` for `span`; stops at the first validation failure (returned).
    std::string run_for(Seconds span, Seconds step = Seconds{5});
    // Runs (ticking every `step`) until `done(keys)` or `limit` passes; "" or the failure.
    template <typename Done>
    std::string run_until(Done done, Seconds limit, Seconds step = Seconds{5});

    ZoneKeys& keys() { return keys_; }
    [[nodiscard]] const Plan& last() const { return last_; }
    [[nodiscard]] const std::vector<Step>& steps() const { return steps_; }
    // When a step matching `text` (substring) was taken; TimePoint::max() when never.
    [[nodiscard]] TimePoint when(const std::string& text) const;
    [[nodiscard]] const KeyRecord* find(Role role, KeyState state) const;
    int signings = 0;
    int failed_signings = 0;

  private:
    void load();
    void save(const std::string& kind);
    KeyWorld& world_;
    KeyPolicy policy_;
    ZoneKeys keys_;
    Plan last_;
    std::vector<Step> steps_;
    std::string db_path_;
};

template <typename Done>
std::string KeyDriver::run_until(Done done, Seconds limit, Seconds step) {
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
