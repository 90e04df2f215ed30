// Builders for planner tests: keys, owners and endpoints in a few words.
#pragma once

#include <string>
#include <vector>

#include "engine/observations.h"
#include "engine/safety.h"
#include "engine/slot_state.h"

namespace dk::engine::testing {

inline const TimePoint epoch = from_unix_seconds(1'800'000'000);

inline SlotKey key(std::uint8_t tag, TimePoint created = epoch) {
    SlotKey k;
    k.id = "k" + std::to_string(tag);
    k.spki_sha256 = Bytes(32, tag);
    k.created_at = created;
    return k;
}

inline OwnerView owner(const std::string& name, std::vector<TlsaRecord> rrset,
                       bool propagated = true, Seconds ttl = Seconds{60}) {
    OwnerView o;
    o.owner = name;
    o.at_primary = std::move(rrset);
    o.propagated = propagated;
    o.validated = propagated;
    o.ttl_max = ttl;
    return o;
}

inline EndpointView serving(const std::string& name, const SlotKey& k, bool dane_ok = true) {
    EndpointView e;
    e.endpoint = name;
    e.address = "192.0.2.1";
    e.reachable = true;
    e.leaf_spki_sha256 = k.spki_sha256;
    e.dane_ok = dane_ok;
    return e;
}

inline EndpointView unreachable(const std::string& name) {
    EndpointView e;
    e.endpoint = name;
    e.address = "192.0.2.1";
    e.problem = "connect: timed out";
    return e;
}

}  // namespace dk::engine::testing
