// Gathers what the audit and the lint judge: every configured endpoint's TLSA owner at every
// authoritative server (validated), a probe of every endpoint x address, the served chain, the
// key ages from the state store, and the MX hosts of each zone through the resolver.
#pragma once

#include <string>
#include <vector>

#include "ops/audit.h"
#include "ops/lint.h"
#include "service/runtime/runtime.h"

namespace dk::service {

struct AuditObservations {
    std::vector<ops::EndpointEvidence> endpoints;
    std::vector<ops::SlotFacts> slots;
    std::vector<ops::MxFacts> mx;
    ops::AuditPolicy policy;
    std::vector<ops::Finding> problems;  // what could not be observed, as lint findings
};

Result<AuditObservations> observe_for_audit(Runtime& rt, TimePoint now);

// [audit]'s lint keys as the lint rules take them.
ops::LintPolicy lint_policy_for(const config::AuditConfig& audit);

// The lint facts the configuration and the state store give without asking the network.
std::vector<ops::SlotFacts> offline_slot_facts(const config::Config& config,
                                               engine::StateStore* states);

}  // namespace dk::service
