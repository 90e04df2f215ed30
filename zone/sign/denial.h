// Authenticated denial of existence: the NSEC chain (RFC 4034 4) over the zone's authoritative
// names, or the NSEC3 chain (RFC 5155) with the RFC 9276 parameters (SHA-1, no extra
// iterations, no salt, no opt-out) over every authoritative name and empty non-terminal.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct Nsec3Params {
    std::uint16_t iterations = 0;  // RFC 9276 3.1: 0
    std::string salt;              // RFC 9276 3.1: empty
};

// RFC 5155 5: IH(salt, x, k), SHA-1 over the canonical owner name (20 bytes).
std::string nsec3_hash(std::string_view owner, const Nsec3Params& params);

// Types at a node that belong in its NSEC/NSEC3 bit map (the zone's own data only).
bool in_bitmap(const Node& node, std::uint16_t type);

// Replaces any NSEC RRsets with a fresh chain; `zone` must have its structure marked
// (mark_structure with_empty = false). The links are made on `threads` threads.
void build_nsec_chain(Zone& zone, std::uint32_t ttl, unsigned threads = 1);

// Replaces zone.nsec3_nodes and the apex NSEC3PARAM; the structure must be marked with empty
// non-terminals. Fails only on a hash collision.
Status build_nsec3_chain(Zone& zone, std::uint32_t ttl, const Nsec3Params& params,
                         unsigned threads = 1);

}  // namespace dk::zone::sign
