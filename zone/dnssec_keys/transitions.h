// How a zone's key records move once the shell has carried out a plan's effect (a key made, the
// zone signed) or the operator asked for a rollover. Pure, like the planner.
#pragma once

#include <cstdint>
#include <string>

#include "base/clock.h"
#include "zone/dnssec_keys/key_record.h"

namespace dk::zone::dnssec_keys {

// A new key record as the key store made it (state generated).
KeyRecord new_key_record(std::uint16_t tag, std::uint8_t algorithm, Role role,
                         std::string dnskey_rdata, TimePoint now);

// The keys after a key was made for a plan: what the observations proved, plus the new key.
ZoneKeys with_new_key(ZoneKeys observed, KeyRecord made);

// The keys after the zone signed with a plan's selection was written with `serial`: every key
// whose state changed in that step remembers the serial its state first appeared in.
ZoneKeys commit_signed(ZoneKeys next, std::uint32_t serial);

// The operator asks to replace the active key of `role` (persisted; the planner acts on it).
// False when the zone has no active key of that role.
bool request_rollover(ZoneKeys& keys, Role role);

}  // namespace dk::zone::dnssec_keys
