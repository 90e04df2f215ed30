// One TLSA RRset for many endpoints (RFC 7671 section 7.4 pattern): the slot's records live at a
// shared owner, e.g. _dane.mx.example.net., and every endpoint's _port._tcp.host is a CNAME to it,
// so one UPDATE changes what every endpoint serves.
//
// Linking is planned one guarded step at a time from what the primary serves now:
//   copy  the shared RRset takes every record an endpoint's own TLSA RRset holds (nothing an
//         endpoint serves today is lost when it becomes an alias);
//   link  once that copy is served everywhere: one UPDATE replaces each endpoint's TLSA RRset by
//         the CNAME, guarded by "the TLSA RRset is exactly what we saw" and "no CNAME yet";
//   linked every endpoint is a CNAME to the shared owner: the rollover engine takes over.
// Refused, never worked around: a shared owner outside the zone, a shared owner that is itself a
// CNAME (a chain), an endpoint that is a CNAME to another name (the operator's alias).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "zone/update_message.h"

namespace dk::zone {

// One endpoint's TLSA owner as the primary serves it.
struct EndpointOwnerAtPrimary {
    std::string owner;                 // absolute, _25._tcp.mx1.example.net.
    std::optional<std::string> cname;  // its CNAME target, absolute; nullopt: no CNAME
    Rrset tlsa;                        // its own TLSA RRset (empty: none)
};

struct SharedOwnerAtPrimary {
    std::string zone;                         // absolute
    std::string shared;                       // absolute
    std::optional<std::string> shared_cname;  // the shared owner is a CNAME: refused
    Rrset shared_tlsa;                        // the shared TLSA RRset (empty: none yet)
    std::vector<EndpointOwnerAtPrimary> endpoints;
};

enum class LinkStepKind { linked, copy, link, refused };

struct LinkStep {
    LinkStepKind kind = LinkStepKind::refused;
    ZoneChange change;   // copy, link: the one guarded UPDATE
    std::string reason;  // one line for the log and alerts
    // link: the longest TTL of the TLSA RRsets the CNAMEs replace; resolvers may hold them that
    // long, so nothing leaves the shared RRset before it has passed.
    std::uint32_t replaced_ttl_max = 0;
};

// The next step towards every endpoint owner being a CNAME to the shared owner; `ttl` is the TTL
// of the records added (the shared TLSA records and the CNAMEs).
LinkStep plan_shared_owner_link(const SharedOwnerAtPrimary& primary, std::uint32_t ttl);

}  // namespace dk::zone
