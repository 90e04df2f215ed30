// Checks across tables, once every table is parsed.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "config/parse_parts.h"

namespace dk::config {
namespace {

bool name_in_zone(const std::string& host, const std::string& zone) {
    const std::string name = absolute_name(host);
    return name == zone || (name.size() > zone.size() && name.ends_with("." + zone));
}

// The innermost configured zone holding host, or nullptr.
const ZoneConfig* zone_of(const Config& c, const std::string& host) {
    const ZoneConfig* zone = nullptr;
    for (const auto& z : c.zones) {
        if (name_in_zone(host, z.name) && (zone == nullptr || z.name.size() > zone->name.size()))
            zone = &z;
    }
    return zone;
}

void check_zones(const Config& c, const std::vector<std::uint32_t>& zone_lines, Problems& p) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < c.zones.size(); ++i) {
        const std::string& name = c.zones[i].name;
        if (!name.empty() && !names.insert(name).second)
            p.add_at(zone_lines[i], "zone[" + std::to_string(i) + "].name",
                     "duplicate zone '" + name + "'");
    }
}

// Derives the slot's zone from its endpoints: all of them must sit in the same one.
void assign_zone(const Config& c, SlotConfig& s, std::uint32_t line, const std::string& field,
                 Problems& p) {
    // A zone without a usable name is reported already; its hosts would only echo that.
    const bool zones_named = std::all_of(
        c.zones.begin(), c.zones.end(), [](const ZoneConfig& z) { return is_domain_name(z.name); });
    for (const auto& ep : s.endpoints) {
        const ZoneConfig* zone = zone_of(c, ep.host);
        if (zone == nullptr) {
            if (zones_named) p.add_at(line, field, ep.host + " is in no configured [[zone]]");
        } else if (s.zone.empty()) {
            s.zone = zone->name;
        } else if (s.zone != zone->name) {
            p.add_at(line, field, "endpoints span two zones (" + s.zone + ", " + zone->name + ")");
        }
    }
}

// An MTA holds one chain per key family (Postfix's smtpd_tls_chain_files, Dovecot's ssl_alt_cert)
// and presents it to the clients whose signature algorithms pick it: the family is what names
// like "rsa-2048" and "ecdsa-p256" start with.
std::string key_family(const std::string& algorithm) {
    return algorithm.substr(0, algorithm.find('-'));
}

// A shared TLSA owner sits in the slot's zone, behind an RFC 2136 primary (the CNAMEs are
// dynamic updates), and is the same for every slot on an endpoint: an owner name is a CNAME to
// one target only.
void check_tlsa_owner(const Config& c, const SlotConfig& s, std::uint32_t line,
                      const std::string& field,
                      std::map<std::string, std::optional<std::string>>& owner_of_endpoint,
                      Problems& p) {
    if (s.tlsa_owner && !s.zone.empty()) {
        if (!name_in_zone(*s.tlsa_owner, s.zone))
            p.add_at(line, field + ".tlsa_owner",
                     *s.tlsa_owner + " is outside the slot's zone " + s.zone +
                         " (danekeeper publishes the shared RRset only where it updates)");
        const ZoneConfig* zone = c.zone(s.zone);
        if (zone != nullptr && zone->signed_file)
            p.add_at(line, field + ".tlsa_owner",
                     "needs an rfc2136 zone; " + s.zone + " is signed-file");
    }
    for (const auto& ep : s.endpoints) {
        const std::string owner = absolute_name(ep.to_string());
        auto [it, first] = owner_of_endpoint.emplace(owner, s.tlsa_owner);
        if (!first && it->second != s.tlsa_owner)
            p.add_at(line, field + ".tlsa_owner",
                     ep.to_string() + " is in another slot with a different tlsa_owner");
    }
}

}  // namespace

void cross_check(Config& c, const std::vector<std::uint32_t>& zone_lines,
                 const std::vector<std::uint32_t>& slot_lines, Problems& p) {
    check_zones(c, zone_lines, p);
    std::set<std::string> names;
    std::set<std::string> endpoints;                                      // family/host:port
    std::map<std::string, std::optional<std::string>> owner_of_endpoint;  // host:port
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        SlotConfig& s = c.slots[i];
        const std::string field = "key[" + std::to_string(i) + "]";
        if (!s.name.empty() && !names.insert(s.name).second)
            p.add_at(slot_lines[i], field + ".name", "duplicate slot name '" + s.name + "'");
        for (const auto& ep : s.endpoints) {
            const std::string family = key_family(s.algorithm);
            if (!endpoints.insert(family + "/" + absolute_name(ep.to_string())).second) {
                p.add_at(slot_lines[i], field + ".endpoints",
                         ep.to_string() + " is in two slots of the key family " + family +
                             " (an MTA presents one chain per family)");
            }
        }
        assign_zone(c, s, slot_lines[i], field + ".endpoints", p);
        check_tlsa_owner(c, s, slot_lines[i], field, owner_of_endpoint, p);
    }
}

}  // namespace dk::config
