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

#include <cstdint>
#include <cstring>

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

// ldns reads "TYPE327683601" (and CLASSn) from text without a range check and keeps the number
// in its enum, where ldns_rr_get_type would load a value outside the enum: undefined behaviour.
// Whether the RR's type and class fit in 16 bits, read as plain integers. Call it on every RR
// ldns made from text we did not write, before anything asks the RR its type or class.
inline bool type_and_class_fit(const ldns_rr& rr) {
    std::uint32_t type = 0;
    std::uint32_t rr_class = 0;
    static_assert(sizeof(rr._rr_type) == sizeof(type) && sizeof(rr._rr_class) == sizeof(rr_class));
    std::memcpy(&type, &rr._rr_type, sizeof type);
    std::memcpy(&rr_class, &rr._rr_class, sizeof rr_class);
    return type <= 0xFFFF && rr_class <= 0xFFFF;
}

}  // namespace dk::ldns
