// The DNSSEC key loop of one zone: observe, plan, make a key or sign, commit; until nothing is
// due now. Every effect goes through the ports (ports.h), so the same loop runs against the real
// servers (service/signing ManagedKeys) and against fakes in tests, as src/engine/runner.h does
// for TLSA.
#pragma once

#include <functional>
#include <string>

#include "zone/dnssec_keys/planner.h"
#include "zone/dnssec_keys/ports.h"
#include "zone/dnssec_keys/timings.h"

namespace dk::zone::dnssec_keys {

struct KeySetup {
    std::string zone;  // absolute, lower case
    KeyPolicy policy;
    ZoneTtls ttls;
};

// Reported for every key step once it is committed ("zsk 4711 (13): published -> active").
using KeyStepListener = std::function<void(const std::string& step)>;

// Each round starts from what the store holds, so a crash anywhere resumes from what is stored
// and what is seen. Returns the last plan (its next_due and fragile flag). A failed signing keeps
// the old keys (only what the observations proved is stored) and is returned as the error.
Result<Plan> run_keys(const KeySetup& setup, KeyPorts& ports, const KeyStepListener& on_step = {},
                      int max_rounds = 8);

}  // namespace dk::zone::dnssec_keys
