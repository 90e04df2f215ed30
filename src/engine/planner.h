// The rollover planner: (persisted state, observations, now) -> the one next action and when to
// look again. Pure: no I/O, no clock of its own. The shell executes the action, records the
// transition durably, observes again and asks again, so a crash between any two steps resumes
// from what is stored and what is seen.
#pragma once

#include "engine/actions.h"
#include "engine/observations.h"
#include "engine/slot_state.h"

namespace dk::engine {

struct SlotPolicy {
    // The slot's configured timings (service::policy_for); their defaults live in the
    // configuration schema (config/schema.h) only, so a policy must be given them.
    Seconds margin{};
    Seconds renew_before{};
    Seconds rollover_every{};
    Seconds recheck{3600};        // steady state: look again this often
    Seconds retry{30};            // after a failure or an alert
    Seconds propagation_poll{2};  // while records propagate
    // certificates = "hook": the operator's ACME client brings certificates on its own schedule
    // (`hook deliver`); the engine waits for them instead of asking.
    bool certificates_delivered = false;
    // issuer_certificates: the CAs' SPKI SHA-256, published as 2 1 1 at every owner.
    std::vector<Bytes> issuer_spki_sha256;
    // For fix lines: "danekeeper publish --zone Z --server P --tsig-key F" for the slot's zone
    // (config::publish_command); empty for a signed-file zone (its unsigned file is edited).
    std::string publish_command;
};

// How long after publishing a key the switch to it waits (RFC 7671 section 8.1: two TTLs +
// margin), and the earliest safe switch to a key published at t1.
Seconds switch_wait(Seconds ttl_max, Seconds margin);
TimePoint safe_switch_time(TimePoint t1, Seconds ttl_max, Seconds margin);

// True when the switch to next may happen as far as its age goes: t1 + switch wait has passed on
// the wall clock and on the monotonic clock (base/elapsed.h), for a state whose count was brought
// up to obs (count_monotonic). False without a next key or an established switch time.
bool switch_wait_over(const SlotState& state, const Observations& obs);

// True when the slot should roll to its next key now or as soon as that is safe.
bool rollover_wanted(const SlotState& state, const SlotPolicy& policy, TimePoint now);

// `obs.monotonic` and each key's published_mono (brought up to obs by count_monotonic) count the
// switch wait as well as the wall clock.
Action plan_next_action(const SlotState& state, const SlotPolicy& policy, const Observations& obs);

}  // namespace dk::engine
