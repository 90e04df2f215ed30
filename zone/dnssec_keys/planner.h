// The DNSSEC key planner: (persisted keys, policy, TTLs, observations) -> the next key step and
// when to look again. Pure: no I/O, no clock of its own (like src/engine/planner.h for TLSA).
// ZSKs roll by pre-publication (RFC 6781 4.1.1.1), KSKs by double-DS (RFC 6781 4.1.2) with the
// DS driven through CDS/CDNSKEY (RFC 7344, RFC 8078), timed as in RFC 7583 (timings.h).
//
// The shell's loop around it is runner.h; how the stored keys move after each effect is
// transitions.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "zone/dnssec_keys/key_record.h"
#include "zone/dnssec_keys/observations.h"
#include "zone/dnssec_keys/timings.h"

namespace dk::zone::dnssec_keys {

struct KeyRef {
    std::uint16_t tag = 0;
    std::uint8_t algorithm = 0;
    friend bool operator==(const KeyRef&, const KeyRef&) = default;
};

// What the signed zone carries for a key state: the DNSKEY RRset, which keys sign what, and the
// CDS/CDNSKEY RRsets (SHA-256 CDS; empty when no KSK is listed).
struct KeySelection {
    std::vector<std::string> dnskeys;  // DNSKEY RDATAs (wire)
    std::vector<KeyRef> zone_signers;  // ZSKs: every RRset but DNSKEY, CDS, CDNSKEY
    std::vector<KeyRef> key_signers;   // KSKs: DNSKEY, CDS, CDNSKEY
    std::vector<std::string> cds;      // CDS RDATAs
    std::vector<std::string> cdnskey;  // CDNSKEY RDATAs
    friend bool operator==(const KeySelection&, const KeySelection&) = default;
};

struct Plan {
    ZoneKeys observed;             // the stored keys plus what the observations proved
    ZoneKeys next;                 // observed plus this step's transitions
    std::optional<Role> generate;  // make a key of this role first, then plan again
    // ... of this algorithm: the active keys' (an algorithm rollover needs double signatures,
    // RFC 6781 4.1.4, which this planner does not do), the policy's for a zone's first keys.
    std::uint8_t generate_algorithm = 0;
    bool sign = false;               // the zone must be signed with `selection`
    KeySelection selection;          // what the zone carries in `next`
    std::vector<std::string> steps;  // the transitions, one line each ("zsk 4711: published")
    TimePoint next_due{};            // look again no later than this
    // A key step is under way that TLSA changes should not overlap: a new signing key is not yet
    // at every server, or a KSK switch is between the switch and the old DS's withdrawal.
    bool fragile = false;
    std::string reason;  // why we wait (or what we do), one line
};

// Pure: what the zone carries for these keys. `zone_owner_wire` is the zone's canonical wire name.
KeySelection select_keys(const ZoneKeys& keys, const std::string& zone_owner_wire);

// Pure: records what the observations prove (state_seen, ds_seen, ds_gone); decides nothing.
ZoneKeys record_observations(ZoneKeys keys, const KeyObservations& obs,
                             const std::string& zone_owner_wire);

Plan plan_keys(const ZoneKeys& stored, const KeyPolicy& policy, const ZoneTtls& ttls,
               const KeyObservations& obs);

// Pure: the observation shows k's DS (any digest type) at every parent server, all answering.
bool ds_at_every_parent_server(const KeyRecord& k, const KeyObservations& obs,
                               const std::string& zone_owner_wire);

}  // namespace dk::zone::dnssec_keys
