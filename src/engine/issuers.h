// Issuer records (`issuer_certificates`): the 2 1 1 records of the CAs a slot's certificates may
// come from, published beside the keys' 3 1 1 records and kept in step with the list. Pure
// steps of the planner; the 3 1 1 records are never touched here, so removing an issuer record
// never leaves an endpoint without a matching record.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/actions.h"
#include "engine/observations.h"
#include "engine/planner.h"
#include "engine/slot_state.h"

namespace dk::engine {

// Listed issuers: their records added where missing (one guarded update per owner), then t1 of
// each recorded once every server serves it, validated. nullopt: nothing to do.
std::optional<Action> publish_listed_issuers(const SlotState& state, const SlotPolicy& policy,
                                             const Observations& obs);

// Issuers the slot published that the list no longer names: their records removed, then
// forgotten once gone everywhere. Refused (an alert saying how to unblock) while the served chain
// relies on one of them for a combination no other record satisfies.
std::optional<Action> retire_unlisted_issuers(const SlotState& state, const SlotPolicy& policy,
                                              const Observations& obs);

// Before a chain is deployed: the wait until the issuer records it relies on have aged
// (t1 + 2 x TTLmax + margin, as for a next key), when without them it would miss a published
// combination. nullopt: it relies on no young issuer record.
std::optional<Action> wait_for_issuer_records_to_age(const SlotState& state,
                                                     const SlotPolicy& policy,
                                                     const Observations& obs,
                                                     const std::vector<TlsaRecord>& chain_matches);

// How to unblock a chain that misses a combination at `owner`: which records no chain matches
// and what to change (issuer_certificates, or the stale records' removal), in one line.
std::string unmatched_combination_fix(const Observations& obs, const std::string& owner,
                                      const std::vector<TlsaRecord>& chain_matches,
                                      const std::string& slot, const SlotPolicy& policy);

}  // namespace dk::engine
