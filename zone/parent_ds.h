// The zone's DS RRset as its parent serves it, validated: from a configured anchor of the parent
// zone (its DS or DNSKEY records), through the parent's DNSKEY RRset (validated by the anchor) to
// the DS RRset (its RRSIGs checked with those keys), asked of every parent server directly
// (RD=0, DO=1). What every server serves validated then anchors the zone's own DNSKEY RRset, like
// a validating resolver's chain of trust (RFC 4035 section 5). An anchor above the parent (the
// root's) is followed down to it through a resolver (follow_chain).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "base/result.h"
#include "zone/dns_transport.h"

namespace dk::zone {

// One parent server's DS RRset for the zone.
struct ParentDsAtServer {
    HostPort server;
    bool answered = false;             // an authoritative answer (records or an empty one)
    bool validated = false;            // the DS RRset (or its absence) validates from the anchor
    bool found = true;                 // false: a parent server not found (not asked; server is
                                       // its NS name, or the parent zone without a proven NS)
    std::string problem;               // why not answered or not validated
    std::vector<std::string> ds;       // RDATA presentation "TAG ALG TYPE HEX", sorted
    std::vector<std::string> ds_wire;  // the same RDATAs in wire form, sorted
    std::uint32_t ttl = 0;             // the DS RRset's TTL (0 when empty)
};

// Which of the zone's KSKs (DNSKEY with the SEP flag) a validated DS is the digest of.
struct DsMatch {
    std::string ds;                    // "TAG ALG TYPE HEX"
    std::optional<std::uint16_t> ksk;  // the key tag of the matching served KSK; none: no match
};

struct ParentDsCheck {
    std::string zone;         // absolute
    std::string parent_zone;  // the anchor's owner
    std::string anchor_source;
    std::vector<ParentDsAtServer> servers;
    // The DS records every parent server serves validated ("ZONE. IN DS ..."): the anchors of
    // the zone's DNSKEY RRset. Empty when any server fails: nothing is proven then.
    std::vector<std::string> validated_ds;
    std::vector<DsMatch> matches;       // match_ds_to_ksks: which KSK each validated DS is of
    std::vector<std::string> findings;  // one line each: what blocks or contradicts
    std::vector<std::string> fixes;     // what the operator does about them, one line each
    std::vector<std::string> notes;     // worth knowing, nothing blocked (a rollover's extra DS)
    [[nodiscard]] bool proven() const { return !validated_ds.empty() && findings.empty(); }
};

// The pure half for one server: its reply to "PARENT DNSKEY" and to "ZONE DS", judged against
// `anchors` (DS or DNSKEY RRs owned by the parent zone) at `now`.
ParentDsAtServer judge_parent_server(const HostPort& server, const std::string& zone,
                                     const std::string& parent_zone, const ldns_pkt& dnskey_reply,
                                     const ldns_pkt& ds_reply, const ldns_rr_list& anchors,
                                     TimePoint now);

// The pure summary: the DS every server serves validated, and a finding for every server that
// did not answer, did not validate, serves no DS, or serves another DS RRset than the others.
ParentDsCheck summarize_parent_ds(std::string zone, std::string parent_zone,
                                  std::string anchor_source, std::vector<ParentDsAtServer> servers);

// Which served KSK each validated DS matches (into check.matches, also returned); a DS that
// matches none is a finding of `check`. `dnskeys` is the zone's DNSKEY RRset as served.
std::vector<DsMatch> match_ds_to_ksks(ParentDsCheck& check, const ldns_rr_list& dnskeys);

// The zone's DNSKEY RRset as one of its servers serves it (authoritative answer), for matching.
Result<ldns::RrListPtr> served_dnskeys(const HostPort& server, const std::string& zone,
                                       const TransportOptions& transport);

// The anchors of `anchor_file` owned by the closest proper ancestor of `zone` among them: the
// parent zone's name and its anchor RRs. bad_input when the file holds none above the zone.
struct ParentAnchor {
    std::string parent_zone;
    ldns::RrListPtr anchors;
};
Result<ParentAnchor> read_parent_anchor(const std::string& anchor_file, const std::string& zone);

// From an anchor at any ancestor of `zone` (the root's included) down to the zone's parent,
// through the validating resolver (RD=1, DO=1) but validated here: at each name between the
// anchor's zone and the zone, its DS RRset validated with the keys above (absent, proven by
// their NSEC/NSEC3: no zone cut there, the same keys go on), then that zone's DNSKEY RRset
// validated from the DS. Returns the parent zone anchored by its validated DS RRset (`anchor`
// itself when its zone is the parent); at most max_chain_depth delegations.
inline constexpr int max_chain_depth = 16;
Result<ParentAnchor> follow_chain(const HostPort& resolver, ParentAnchor anchor,
                                  const std::string& zone, const TransportOptions& transport,
                                  TimePoint now);

// The shell: asks every parent server, then summarizes. With a resolver, the anchor may be any
// ancestor's (follow_chain; a broken chain is a finding). An Error only for an unreadable
// anchor.
Result<ParentDsCheck> check_parent_ds(const std::vector<HostPort>& parent_servers,
                                      const std::string& zone, const std::string& anchor_file,
                                      const TransportOptions& transport, TimePoint now,
                                      const std::optional<HostPort>& resolver = std::nullopt);

// The parent's servers when none are configured: the parent zone's NS RRset and each NS name's
// A and AAAA records (port 53), asked of the validating resolver (RD=1, DO=1). The resolver need
// not know the parent's anchor: the parent's DNSKEY RRset is validated here from the anchor, the
// NS RRset and the addresses in the parent zone with those keys (an absent family by the
// parent's NSEC/NSEC3); an address outside the parent needs the resolver's AD bit. A name without
// a proven address is a problem (one line), never skipped.
struct ParentServers {
    struct Problem {
        std::string name;  // the NS name without a proven address, or the parent zone
        std::string why;
    };
    std::vector<HostPort> servers;
    std::vector<Problem> problems;
};
Result<ParentServers> discover_parent_servers(const HostPort& resolver, const ParentAnchor& anchor,
                                              const TransportOptions& transport, TimePoint now);

// check_parent_ds with the servers discovered through `resolver`: a name without a proven
// address (or the parent zone, when its NS RRset is not proven) counts as a server that did not
// answer: a finding, and nothing is proven then.
Result<ParentDsCheck> check_parent_ds_discovered(const HostPort& resolver, const std::string& zone,
                                                 const std::string& anchor_file,
                                                 const TransportOptions& transport, TimePoint now);

}  // namespace dk::zone
