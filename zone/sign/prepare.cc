// Readying an unsigned zone for the signer: apex checks, the DNSKEY RRset, the zone's structure
// (apex, delegations, glue) and the NSEC or NSEC3 chain.
#include <algorithm>

#include "zone/sign/parallel.h"
#include "zone/sign/serial.h"
#include "zone/sign/signer.h"

namespace dk::zone::sign {
namespace {

// Records the signer makes itself; a file's own are dropped.
bool is_generated(std::uint16_t type) {
    return type == type_rrsig || type == type_nsec || type == type_nsec3 || type == type_nsec3param;
}

// The file's DNSKEYs, the ones to publish and every signing key's.
Status set_dnskey_rrset(Zone& zone, const KeySet& keys, const SignOptions& options) {
    Node& apex = zone.apex();
    std::vector<std::string> rdatas;
    std::uint32_t ttl = apex.find(type_soa)->ttl;
    if (const Rrset* existing = apex.find(type_dnskey)) {
        existing->rdatas.for_each([&](std::string_view r) { rdatas.emplace_back(r); });
        ttl = existing->ttl;
    }
    for (const auto& k : keys.publish) rdatas.push_back(k.rdata());
    for (const auto* list : {&keys.zone_signing, &keys.key_signing}) {
        for (const auto& k : *list) rdatas.push_back(k.dnskey().rdata());
    }
    if (rdatas.empty()) return Error::bad_input("no DNSKEY to publish");
    std::sort(rdatas.begin(), rdatas.end());
    rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
    apex.remove(type_dnskey);
    Rrset& rrset = apex.get_or_add(type_dnskey, options.dnskey_ttl.value_or(ttl));
    for (const auto& r : rdatas) rrset.rdatas.push_back(r);
    return {};
}

}  // namespace

Status prepare_zone(Zone& zone, const KeySet& keys, const SignOptions& options) {
    if (zone.nodes.empty() || compare_names(zone.nodes.front().name, zone.origin) != 0 ||
        zone.apex().find(type_soa) == nullptr)
        return Error::bad_input("no SOA record at the origin " + name_to_text(zone.origin));
    if (zone.apex().find(type_soa)->rdatas.count() != 1)
        return Error::bad_input("more than one SOA record at " + name_to_text(zone.origin));
    for (auto& n : zone.nodes) {
        std::erase_if(n.rrsets, [](const Rrset& r) { return is_generated(r.type); });
        for (auto& r : n.rrsets) r.sigs.clear();
    }
    std::erase_if(zone.nodes, [&](const Node& n) {
        return n.rrsets.empty() && compare_names(n.name, zone.origin) != 0;
    });
    zone.nsec3_nodes.clear();
    DK_TRY_STATUS(set_dnskey_rrset(zone, keys, options));
    const std::uint32_t ttl = negative_ttl(zone);
    if (options.denial == Denial::nsec3) {
        mark_structure(zone, true);
        return build_nsec3_chain(zone, ttl, options.nsec3, worker_count(options.threads));
    }
    mark_structure(zone, false);
    build_nsec_chain(zone, ttl, worker_count(options.threads));
    return {};
}

}  // namespace dk::zone::sign
