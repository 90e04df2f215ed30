// RAII aliases for ldns. Ownership rules (ldns 1.8): ldns_rr_list_push_rr takes the RR despite
// const; ldns_update_pkt_new takes the zone rdf only on success and clones the RR lists;
// *_free frees the container, *_deep_free the contents as well.
#pragma once

// ldns/common.h defines the macro bool as _Bool unless stdbool.h came first; that macro breaks
// C++ headers included later (clang 14 + nlohmann/json), so stdbool.h must come first.
// clang-format off
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>
// clang-format on

#include "base/handle.h"

namespace dk::ldns {

using RrPtr = CHandle<ldns_rr, ldns_rr_free>;
using RrListPtr = CHandle<ldns_rr_list, ldns_rr_list_deep_free>;    // owns its RRs
using RrListShallowPtr = CHandle<ldns_rr_list, ldns_rr_list_free>;  // borrows its RRs
using PktPtr = CHandle<ldns_pkt, ldns_pkt_free>;
using RdfPtr = CHandle<ldns_rdf, ldns_rdf_deep_free>;
using ResolverPtr = CHandle<ldns_resolver, ldns_resolver_deep_free>;
using KeyPtr = CHandle<ldns_key, ldns_key_deep_free>;
using KeyListPtr = CHandle<ldns_key_list, ldns_key_list_free>;
using BufferPtr = CHandle<ldns_buffer, ldns_buffer_free>;
using ZonePtr = CHandle<ldns_zone, ldns_zone_deep_free>;
using DnssecZonePtr = CHandle<ldns_dnssec_zone, ldns_dnssec_zone_deep_free>;

inline void free_c_string(char* s) {
    LDNS_FREE(s);
}
using CStringPtr = CHandle<char, free_c_string>;

}  // namespace dk::ldns
