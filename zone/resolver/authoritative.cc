#include "zone/resolver/authoritative.h"

#include <algorithm>

#include "zone/publisher.h"

namespace dk::zone {

Result<std::vector<HostPort>> discover_authoritative(const HostPort& primary,
                                                     const std::string& zone,
                                                     const TransportOptions& transport) {
    DK_TRY(Rrset ns, query_rrset(primary, transport, zone, LDNS_RR_TYPE_NS));
    std::vector<HostPort> servers{primary};
    for (const auto& target : ns.rdatas) {
        for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
            auto addresses = query_rrset(primary, transport, target, type);
            if (!addresses.ok()) continue;  // out of zone: the operator lists those servers
            for (const auto& address : addresses->rdatas) {
                HostPort hp{address, 53};
                const bool seen = std::any_of(
                    servers.begin(), servers.end(),
                    [&](const HostPort& s) { return s.host == hp.host && s.port == hp.port; });
                if (!seen) servers.push_back(hp);
            }
        }
    }
    return servers;
}

}  // namespace dk::zone
