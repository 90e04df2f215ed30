// The engine's loop for one slot: observe, plan, act, record; until the plan is to wait.
// Every effect goes through the ports, so the same loop runs against fakes and real servers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "engine/planner.h"
#include "engine/ports.h"
#include "engine/transitions.h"

namespace dk::engine {

struct SlotSetup {
    std::string slot;
    std::vector<Endpoint> endpoints;
    SlotPolicy policy;
    Seconds propagation_deadline{60};
};

struct Ports {
    DnsView& dns;
    DnsPublisher& publisher;
    EndpointProber& prober;
    KeyVault& vault;
    StateStore& store;
    const Clock& clock;
};

enum class RunMode { apply, dry_run };

// A step the run stopped at for its caller to carry out together with other slots' steps:
// nothing of it has been done or stored. See left_to_the_caller.
struct DeferredStep {
    Action action;     // the step, as planned
    SlotState stored;  // the state as stored before it
    int steps_left = 0;
    Observations seen;  // what the plan saw: the next plan may look at the world through it again
    bool verdicts_may_lag = false;  // seen's verdicts came from before a publish (Carried)
};

struct RunReport {
    std::vector<Action> executed;  // in order
    Action final_action;           // the wait or alert the run stopped at (or the dry-run plan)
    SlotState state;               // as stored at the end
    // Set when the run stopped at a step left to the caller (run_slot's defer_steps): final_action
    // is that step, state what the plan saw; finish_step or finish_publish record it and run on.
    std::optional<DeferredStep> deferred;
};

// Reported for every planned action before it is carried out (or instead, in a dry run).
using StepListener = std::function<void(const Action&, const SlotState&)>;

// The distinct TLSA owner names of the endpoints.
std::vector<std::string> tlsa_owners(const std::vector<Endpoint>& endpoints);

Result<Observations> observe_slot(const SlotSetup& setup, Ports& ports, const SlotState& state);

// After a step that changes neither DNS nor what the endpoints present (a key made, a
// certificate obtained, a record-keeping step), the next plan looks at the world through the
// observation taken before it, while that is at most this old: its DNS answers and handshakes
// would be the same. The clock and what the vault knows (chains, their matches) are read again.
inline constexpr Seconds world_view_reuse_limit{10};

// The steps after which the world is as it was observed before them.
bool leaves_the_world_as_seen(ActionKind kind);

// What publishing `changes` can do to the DANE verdicts in `endpoints`. A verdict depends on the
// RRset only through the records that match the presented chain, and a 3 1 1 record (DANE-EE,
// SPKI, SHA-256) can match only the leaf: 3 1 1 records of keys no endpoint presents change no
// verdict; adding the record of a presented key can only make a verdict true. Anything else
// (another kind of record, the removal of a presented key's record, a handshake that did not
// tell its key) is unknown.
enum class VerdictsAfter { unchanged, may_improve, unknown };
VerdictsAfter endpoint_verdicts_after(const std::vector<TlsaChange>& changes,
                                      const std::vector<EndpointView>& endpoints);

// After a publish whose effect on the verdicts is known, the next plan asks DNS again and takes
// the endpoint views from the observation before it (while that is at most
// world_view_reuse_limit old): a publish does not change what the endpoints present. So the
// observation that finds t1, or the retired record gone, makes no handshake. Where a verdict may
// have improved, a plan that would raise an alert looks at the endpoints again first: the
// planner raises alerts from verdicts, and takes no other step from them that a fresh look would
// not also take.

// The steps a run with defer_steps leaves to its caller, to take once every slot of the round
// has planned: publishes, which it sends for many slots in as few UPDATEs as fit; certificate
// requests (CA round trips, the operator's command) and key generations (CPU: an RSA-2048 key
// takes about 160 ms here), so that neither delays another slot's observation, and with it a t1
// or a retirement. A deployment is on the rollover's path: the slot's run takes it at once.
bool left_to_the_caller(ActionKind kind);

// Steps a run takes at most: every rollover needs fewer; more means the world does not settle.
inline constexpr int default_max_steps = 64;

// Runs until the plan is to wait (or alert). With defer_steps (apply mode), a step left to the
// caller (left_to_the_caller) stops the run instead, as report.deferred, for the caller to carry
// out with other slots' steps.
Result<RunReport> run_slot(const SlotSetup& setup, Ports& ports, RunMode mode,
                           const StepListener& listener = {}, int max_steps = default_max_steps,
                           bool defer_steps = false);

// What a step does, through the slot's own ports only (vault, publisher, DNS view): steps of
// different slots may run on different threads at once. A publish step also waits for
// propagation.
Result<Outcome> execute_step(const SlotSetup& setup, Ports& ports, const Action& action,
                             const SlotState& state);

// Records a deferred step's outcome as run_slot would (a refused publish, check_failed: re-read
// and re-plan; another failure: the run's error), then runs on as run_slot does, deferring the
// next step.
Result<RunReport> finish_step(const SlotSetup& setup, Ports& ports, RunReport report,
                              const Result<Outcome>& outcome, const StepListener& listener = {});

// finish_step for a deferred publish step the caller sent: `published` is the primary's answer
// or why it failed; waits for propagation first.
Result<RunReport> finish_publish(const SlotSetup& setup, Ports& ports, RunReport report,
                                 const Result<std::string>& published,
                                 const StepListener& listener = {});

}  // namespace dk::engine
