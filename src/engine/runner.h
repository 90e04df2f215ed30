// The engine's loop for one slot: observe, plan, act, record; until the plan is to wait.
// Every effect goes through the ports, so the same loop runs against fakes and real servers.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "engine/planner.h"
#include "engine/ports.h"

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

struct RunReport {
    std::vector<Action> executed;  // in order
    Action final_action;           // the wait or alert the run stopped at (or the dry-run plan)
    SlotState state;               // as stored at the end
};

// Reported for every planned action before it is carried out (or instead, in a dry run).
using StepListener = std::function<void(const Action&, const SlotState&)>;

// The distinct TLSA owner names of the endpoints.
std::vector<std::string> tlsa_owners(const std::vector<Endpoint>& endpoints);

Result<Observations> observe_slot(const SlotSetup& setup, Ports& ports, const SlotState& state);

Result<RunReport> run_slot(const SlotSetup& setup, Ports& ports, RunMode mode,
                           const StepListener& listener = {}, int max_steps = 64);

}  // namespace dk::engine
