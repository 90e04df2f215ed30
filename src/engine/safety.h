// The safety predicates the planner is built on. Each one is a fact about the observed world;
// the planner only changes something when the predicate that guards the change holds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/tlsa.h"
#include "engine/observations.h"
#include "engine/slot_state.h"

namespace dk::engine {

// The 3 1 1 record of a key.
TlsaRecord record_for(const SlotKey& key);

bool contains(const std::vector<TlsaRecord>& rrset, const TlsaRecord& record);

// Every owner's primary RRset holds the record, every server serves it and it validates.
bool published_everywhere(const Observations& obs, const TlsaRecord& record);

// No owner's primary RRset holds the record, every server agrees and every view validates: an
// empty answer without a validated denial proof is no proof that the record is gone.
bool absent_everywhere(const Observations& obs, const TlsaRecord& record);

// RFC 7671 section 8: for every usage/selector/mtype combination in the RRset, the chain
// matches at least one record of that combination.
bool combinations_satisfied(const std::vector<TlsaRecord>& rrset,
                            const std::vector<TlsaRecord>& chain_matches);

// The combination check over every owner's primary RRset; the first failing owner, if any.
std::optional<std::string> first_unsatisfied_owner(const Observations& obs,
                                                   const std::vector<TlsaRecord>& chain_matches);

// Endpoints (host:port@address) that do not present the key with a DANE-valid handshake;
// unreachable endpoints count as not presenting it.
std::vector<std::string> endpoints_not_presenting(const Observations& obs, const SlotKey& key);

// Endpoints that present this key (or cannot be reached: we cannot rule it out).
std::vector<std::string> endpoints_maybe_presenting(const Observations& obs, const SlotKey& key);

// Endpoints that were reached and present exactly this key.
std::vector<std::string> endpoints_presenting_exactly(const Observations& obs, const SlotKey& key);

// Endpoints that present a key that is none of the given ones.
std::vector<std::string> endpoints_with_unknown_key(const Observations& obs,
                                                    const std::vector<const SlotKey*>& known);

// max TTL over the owners: what a cache may still hold after a change.
Seconds max_ttl(const Observations& obs);

// The TTLs one authoritative server showed at a TLSA owner.
struct ServedTtls {
    std::uint32_t tlsa = 0;
    std::uint32_t rrsig_original = 0;
    std::uint32_t cname_max = 0;  // over the CNAMEs followed from the owner
    std::uint32_t negative = 0;   // min(SOA TTL, SOA MINIMUM)
    bool empty = false;           // no TLSA records: what a cache may hold is the denial
};

// TTLmax at one owner (OwnerView::ttl_max): the longest a cache may keep what any of its
// servers showed: the TLSA TTL, the RRSIG original TTL, the CNAME TTLs, and the negative TTL
// where the RRset is empty.
Seconds owner_ttl_max(const std::vector<ServedTtls>& servers);

}  // namespace dk::engine
