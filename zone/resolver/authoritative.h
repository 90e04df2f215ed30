// Which servers are authoritative for a zone, as its primary says: every address of every name
// in its NS RRset. In-zone names are looked up at the primary; names outside the zone through
// the validating resolver, AD required. A name that gives no address is reported, never skipped.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "zone/dns_transport.h"
#include "zone/resolver/resolver.h"

namespace dk::zone {

// An NS name that gave no address to ask: a server that cannot be checked, which blocks every
// step that needs "served everywhere" like a server that does not answer.
struct UnresolvedServer {
    std::string ns_name;  // absolute
    std::string problem;  // why: NXDOMAIN, SERVFAIL, no AD bit, no answer, ...
};

struct AuthoritativeServers {
    std::vector<HostPort> servers;                // the primary first, then each address once
    std::map<std::string, std::string> ns_names;  // HostPort::to_string() -> the NS name it is of
    std::vector<UnresolvedServer> unresolved;
};

// The addresses of `name` of one family (A or AAAA): an empty list when the name has none of
// that family, an Error (the message says why) when the name gives no trustworthy answer.
using AddressLookup =
    std::function<Result<std::vector<std::string>>(const std::string& name, QueryType type)>;

// The pure half: the servers of `ns_names` (absolute), in-zone names through `in_zone`, the
// others through `out_of_zone`; both A and AAAA. A name with an error for either family, or
// with no address at all, is unresolved.
AuthoritativeServers collect_authoritative(const HostPort& primary, const std::string& zone,
                                           const std::vector<std::string>& ns_names,
                                           const AddressLookup& in_zone,
                                           const AddressLookup& out_of_zone);

// What a validating resolver's reply proves about a host's addresses (one family): the
// addresses with AD, none for a validated NODATA; an Error saying why for a validated NXDOMAIN,
// an answer without AD (insecure: not trusted) or an error rcode.
Result<std::vector<std::string>> validated_addresses(const ResolverReply& reply);

// Asks the primary for the NS RRset and resolves it (collect_authoritative); out-of-zone names
// through `resolver` (none configured: such a name is unresolved, saying so).
Result<AuthoritativeServers> discover_authoritative(const HostPort& primary,
                                                    const std::string& zone,
                                                    const TransportOptions& transport,
                                                    const std::optional<HostPort>& resolver);

// "IPv4" or "IPv6" for an address literal; "name" for anything else (an unresolved server).
std::string address_family(const std::string& host);

}  // namespace dk::zone
