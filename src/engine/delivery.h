// Whether a certificate that an operator's ACME client hands over (`danekeeper hook deliver`)
// may be taken: only for a key whose TLSA record is already published and validated
// everywhere, so serving it can never break DANE. Pure: state and the offered chain's facts.
#pragma once

#include <string>

#include "base/clock.h"
#include "base/hex.h"
#include "engine/slot_state.h"

namespace dk::engine {

enum class DeliveryVerdict {
    renew_current,  // same key as served, a later certificate: deploy as a renewal
    for_next,       // the next key, published and validated everywhere: kept for the switch
    already_have,   // exactly what is stored already: nothing to do
    refuse,         // serving it could break DANE, or it would go backwards
};

struct DeliveryDecision {
    DeliveryVerdict verdict = DeliveryVerdict::refuse;
    std::string key_id;  // the slot's key it is for (empty when refused for an unknown key)
    std::string reason;  // one line, for the operator and the event log
};

struct OfferedChain {
    Bytes leaf_spki_sha256;  // from the leaf certificate (already checked against the key file)
    TimePoint not_after{};
};

// The longest a certificate may still be valid when it is taken: 398 days, the most a publicly
// trusted CA may issue for (CA/Browser Forum Baseline Requirements 6.3.2, since September 2020;
// shorter since), plus a day for clock skew and backdating. Private CAs issuing longer are
// refused: a certificate valid for decades only ever stands in the way of renewals and key
// rollovers.
inline constexpr Seconds longest_certificate_life{(398 + 1) * 24 * 3600};

// now: when the chain is offered. A stored certificate valid beyond now +
// longest_certificate_life (adopted, or taken before the bound existed) no longer blocks an
// offered one that expires earlier.
DeliveryDecision decide_delivery(const SlotState& state, const OfferedChain& offered,
                                 TimePoint now);

}  // namespace dk::engine
