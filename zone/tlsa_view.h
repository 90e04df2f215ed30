// What every authoritative server serves at a TLSA owner: serial, RRset, TTLs, and whether its
// RRSIGs validate (against the zone's DNSKEYs, and those against a trust anchor when given).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "base/result.h"
#include "zone/denial_proof.h"
#include "zone/dns_transport.h"
#include "zone/resolver/authoritative.h"

namespace dk::zone {

// What one server's answer at the owner proves.
enum class ServedVerdict {
    unanswered,   // no usable reply (see problem)
    present,      // a TLSA RRset whose RRSIGs validate
    absent,       // no TLSA RRset, and validated NSEC/NSEC3 records prove it (see denial)
    unvalidated,  // RRSIGs that do not validate, or an empty answer without such a proof: unknown
};
std::string to_string(ServedVerdict verdict);

struct ServerView {
    HostPort server;      // an address; the NS name itself when it could not be resolved
    std::string ns_name;  // the NS name the address is of; empty for a listed server
    bool answered = false;
    std::string problem;  // why not answered / not validated
    std::uint32_t serial = 0;
    std::vector<std::string> rdatas;  // canonical presentation, sorted
    std::uint32_t ttl = 0;            // TLSA TTL
    std::uint32_t rrsig_original_ttl = 0;
    std::uint32_t negative_ttl = 0;  // min(SOA TTL, SOA MINIMUM)
    // CNAMEs followed from the owner (the RFC 7671 provider pattern), with their TTLs.
    std::vector<std::string> cname_chain;
    std::uint32_t cname_ttl_max = 0;
    ServedVerdict verdict = ServedVerdict::unanswered;
    std::optional<DenialProof> denial;  // how an absence was proven
    bool validated = false;             // verdict present or absent: the RRSIG chain checks out
    std::optional<TimePoint> rrsig_expiration;
    std::optional<TimePoint> rrsig_inception;
};

// Where a server is, for reports: "IPv4" or "IPv6", and the NS name it is of ("IPv6, NS
// ns1.dns-provider.net."); an NS name that gave no address: "NS NAME, no address".
std::string server_origin(const ServerView& server);

struct TlsaViewOptions {
    std::string zone;               // absolute
    std::vector<HostPort> servers;  // every authoritative server; the first is the primary
    // From discovery (discover_authoritative): the NS name of each server, for reports, and the
    // NS names that gave no address: each is observed as a server that did not answer.
    std::map<std::string, std::string> ns_names;
    std::vector<UnresolvedServer> unresolved;
    std::optional<std::string> trust_anchor_file;  // DS or DNSKEY RRs (zone-file format)
    // DS records ("ZONE. IN DS ...") that anchor validation beside the file's: the zone's own
    // KSKs whose DS every parent server serves (keys danekeeper rolls), so validation goes on
    // across a KSK rollover. Used only with a trust_anchor_file.
    std::vector<std::string> vouched_ds;
    // Set when the zone is anchored at its parent (zone/parent_ds.h): the DS records ("ZONE. IN
    // DS ...") every parent server serves validated; they replace the file's anchors. Empty: the
    // parent proves no DS, and nothing validates.
    std::optional<std::vector<std::string>> parent_ds;
    TransportOptions transport;
};

class TlsaView {
  public:
    static Result<TlsaView> create(TlsaViewOptions options);

    // Asks every server directly (RD=0, DO=1) about `owner`.
    std::vector<ServerView> observe(const std::string& owner, TimePoint now);
    // observe() for every owner, the servers' answers in order; at most `concurrency` questions
    // (owner, server) in flight at a time, so 400 owners on 3 servers take about 1,200 / 32
    // round trips instead of 1,200.
    std::vector<std::vector<ServerView>> observe_all(const std::vector<std::string>& owners,
                                                     TimePoint now,
                                                     std::size_t concurrency = max_in_flight);
    static constexpr std::size_t max_in_flight = 32;
    [[nodiscard]] const TlsaViewOptions& options() const { return options_; }

  private:
    TlsaView(TlsaViewOptions options, ldns::RrListPtr anchors)
        : options_(std::move(options)), anchors_(std::move(anchors)) {}
    ServerView ask(const HostPort& server, const std::string& owner, TimePoint now);
    // The NS names that gave no address, each as a server that did not answer.
    void add_unresolved(std::vector<ServerView>& views) const;
    TlsaViewOptions options_;
    ldns::RrListPtr anchors_;  // DS or DNSKEY RRs; null without a trust anchor
};

// DNSSEC validation of one RRset at time `now`: its RRSIGs by the zone's DNSKEYs, and (with
// anchors) the DNSKEY RRset by a key that matches a DS or DNSKEY trust anchor.
Status validate_rrset(const ldns_rr_list& rrset, const ldns_rr_list& sigs, const ldns_rr_list& keys,
                      const ldns_rr_list& key_sigs, const ldns_rr_list* anchors, TimePoint now);

// One RRset with its RRSIGs, as taken from a reply (select_rrset).
struct SignedRrset {
    ldns::RrListPtr rrs{ldns_rr_list_new()};
    ldns::RrListPtr sigs{ldns_rr_list_new()};
};

// Each CNAME on the way from an endpoint's owner to the shared TLSA RRset validated like the
// TLSA RRset itself: a CNAME the zone's keys do not sign could point the observer at records
// the owner does not serve. check_failed names the CNAME's owner.
Status validate_cname_links(const std::vector<SignedRrset>& links, const ldns_rr_list& keys,
                            const ldns_rr_list& key_sigs, const ldns_rr_list* anchors,
                            TimePoint now);

// An RR's RDATA in presentation form, lower case ("3 1 1 0c01...").
std::string rdata_of(const ldns_rr* rr);

// Appends the records of `type` owned by `name` in `section` to `rrs`, their RRSIGs to `sigs`.
void select_rrset(const ldns_rr_list* section, const ldns_rdf* name, ldns_rr_type type,
                  ldns_rr_list* rrs, ldns_rr_list* sigs);

// Reads trust anchor RRs (DS or DNSKEY) from zone-file text.
Result<ldns::RrListPtr> parse_trust_anchors(std::string_view text, const std::string& source);

// The DS trust anchors in that text, one presentation line each ("ZONE. TTL IN DS ..."), for
// evidence; DNSKEY anchors are left out.
Result<std::vector<std::string>> trust_anchor_ds_texts(std::string_view text,
                                                       const std::string& source);

}  // namespace dk::zone
