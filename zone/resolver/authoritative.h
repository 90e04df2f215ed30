// Which servers are authoritative for a zone, as its primary says.
#pragma once

#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "zone/dns_transport.h"

namespace dk::zone {

// The zone's authoritative servers: the primary first, then the addresses (A/AAAA at the primary,
// port 53) of every name in its NS RRset. Names outside the zone have no address there: the
// operator lists those servers.
Result<std::vector<HostPort>> discover_authoritative(const HostPort& primary,
                                                     const std::string& zone,
                                                     const TransportOptions& transport);

}  // namespace dk::zone
