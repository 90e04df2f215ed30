// The shell that feeds the key planner: asks every authoritative server of the zone for its
// serial and DNSKEY RRset, and every server of the PARENT zone for the zone's DS RRset, each
// directly (RD=0) through zone/dns_transport.h. Failures are reported per server, never thrown:
// an unanswered server only holds the steps that need its view.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "zone/dns_transport.h"
#include "zone/dnssec_keys/observations.h"
#include "zone/parent_ds.h"

namespace dk::zone::dnssec_keys {

// SOA, DNSKEY, SOA again at each server; a serial that moved in between counts as no answer.
std::vector<ServerKeys> observe_dnskeys(const std::vector<HostPort>& servers,
                                        const std::string& zone, const TransportOptions& transport);

// The zone's DS RRset at each server of its parent zone (an authoritative answer; a referral or
// NXDOMAIN is no answer).
std::vector<ParentServerDs> observe_parent_ds(const std::vector<HostPort>& parent_servers,
                                              const std::string& zone,
                                              const TransportOptions& transport);

// The same from a validated look (zone/parent_ds.h): a server whose DS RRset (or its absence)
// does not validate from the parent's anchor counts as unanswered, with the reason.
std::vector<ParentServerDs> parent_views(const ParentDsCheck& check);

// The pure halves, for tests: what one reply says. `zone` is absolute.
ParentServerDs parse_ds_reply(const std::string& server, const std::string& zone,
                              const ldns_pkt& reply);
// DNSKEY RDATAs (wire) and TTL of the answer, or why the reply is no authoritative answer.
Result<std::pair<std::vector<std::string>, std::uint32_t>> parse_rrset_reply(
    const std::string& zone, ldns_rr_type type, const ldns_pkt& reply);

}  // namespace dk::zone::dnssec_keys
