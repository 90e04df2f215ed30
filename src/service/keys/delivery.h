// Certificates an operator's ACME client hands over (`danekeeper hook deliver SLOT CHAIN KEY`).
// The hook checks and decides at once so the client hears "refused" loudly; an accepted chain
// waits in STATE/deliveries/SLOT.pem until whoever holds the state lock (this command, or the
// running daemon) takes it into the slot and lets the engine deploy and verify it.
#pragma once

#include <optional>
#include <string>

#include "engine/delivery.h"
#include "service/keys/file_key_vault.h"

namespace dk::service {

struct CheckedDelivery {
    engine::DeliveryDecision decision;
    std::string chain_pem;  // canonical, leaf first (empty when refused)
};

std::string delivery_path(const config::Config& config, const std::string& slot);

// Parses the chain (and the private key, when given: it must belong to the leaf), finds which of
// the slot's keys it is for, checks the chain for that key (order, validity, names) and decides.
// A refusal is a decision, not an error; errors are unreadable or malformed input.
Result<CheckedDelivery> check_delivery(const engine::SlotState& state, const FileKeyVault& vault,
                                       const std::string& chain_text,
                                       const std::string& chain_source,
                                       const std::optional<std::string>& key_text,
                                       const std::string& key_source);

// A refused chain is logged and recorded as an event; nothing else changes.
Status record_refusal(engine::StateStore& states, const std::string& slot,
                      const std::string& source, const std::string& reason);

// An accepted chain waits in STATE/deliveries/SLOT.pem (0600) for whoever holds the state lock;
// the acceptance is recorded as an event.
Status leave_delivery(const config::Config& config, engine::StateStore& states,
                      const std::string& slot, const std::string& source,
                      const CheckedDelivery& checked);

// Under the state lock: takes a waiting delivery into the slot (stored chain, state, event) or
// drops it with a refusal event if the state moved on since the hook accepted it.
Status take_delivery(const config::Config& config, engine::StateStore& states, FileKeyVault& vault,
                     const std::string& slot);

}  // namespace dk::service
