#include "zone/resolver/authoritative.h"

#include <algorithm>

#include "base/strings.h"
#include "zone/publisher.h"

namespace dk::zone {
namespace {

bool in_zone(const std::string& name, const std::string& zone) {
    const std::string n = lower(absolute_name(name));
    const std::string z = lower(absolute_name(zone));
    return n == z || n.ends_with("." + z);
}

const char* type_name(QueryType type) {
    return type == QueryType::aaaa ? "AAAA" : "A";
}

}  // namespace

AuthoritativeServers collect_authoritative(const HostPort& primary, const std::string& zone,
                                           const std::vector<std::string>& ns_names,
                                           const AddressLookup& in_zone_lookup,
                                           const AddressLookup& out_of_zone_lookup) {
    AuthoritativeServers out;
    out.servers.push_back(primary);
    for (const auto& raw : ns_names) {
        const std::string name = lower(absolute_name(raw));
        const AddressLookup& lookup = in_zone(name, zone) ? in_zone_lookup : out_of_zone_lookup;
        std::vector<std::string> addresses;
        std::vector<std::string> errors;   // "A: why", "AAAA: why"
        std::vector<std::string> reasons;  // the whys alone
        for (QueryType type : {QueryType::a, QueryType::aaaa}) {
            auto found = lookup(name, type);
            if (!found.ok()) {
                errors.push_back(std::string(type_name(type)) + ": " + found.error().message);
                reasons.push_back(found.error().message);
                continue;
            }
            addresses.insert(addresses.end(), found->begin(), found->end());
        }
        // The same reason for both families is said once.
        const bool same_reason = reasons.size() == 2 && reasons[0] == reasons[1];
        std::string problem = same_reason ? reasons[0] : join(errors, "; ");
        if (problem.empty() && addresses.empty()) problem = "no A or AAAA record";
        if (!problem.empty()) {
            out.unresolved.push_back({name, problem});
            continue;  // one family's addresses are not all of this server: it stays unchecked
        }
        for (const auto& address : addresses) {
            const HostPort hp{address, 53};
            if (std::find(out.servers.begin(), out.servers.end(), hp) == out.servers.end())
                out.servers.push_back(hp);
            out.ns_names.emplace(hp.to_string(), name);  // the first NS name with that address
        }
    }
    return out;
}

// The messages leave out name and type: the caller's line names both.
Result<std::vector<std::string>> validated_addresses(const ResolverReply& reply) {
    switch (reply.verdict) {
        case ResolverVerdict::answer:
            return reply.addresses;
        case ResolverVerdict::validated_denial:
            if (reply.rcode == rcode_nxdomain)
                return Error::check_failed("does not exist (validated NXDOMAIN)");
            return std::vector<std::string>{};
        case ResolverVerdict::insecure:
            return Error::check_failed(
                "the answer is not DNSSEC-validated (no AD bit): not trusted");
        case ResolverVerdict::failure:
            break;
    }
    return Error::environment("the resolver answered rcode " + std::to_string(reply.rcode) +
                              (reply.rcode == 2 ? " (SERVFAIL: bogus or unreachable)" : ""));
}

Result<AuthoritativeServers> discover_authoritative(const HostPort& primary,
                                                    const std::string& zone,
                                                    const TransportOptions& transport,
                                                    const std::optional<HostPort>& resolver) {
    DK_TRY(Rrset ns, query_rrset(primary, transport, zone, LDNS_RR_TYPE_NS));
    const AddressLookup at_primary = [&](const std::string& name,
                                         QueryType type) -> Result<std::vector<std::string>> {
        const ldns_rr_type rr_type = type == QueryType::aaaa ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
        DK_TRY(Rrset found, query_rrset(primary, transport, name, rr_type));
        return std::move(found.rdatas);
    };
    const AddressLookup at_resolver = [&](const std::string& name,
                                          QueryType type) -> Result<std::vector<std::string>> {
        if (!resolver)
            return Error::bad_input(
                "outside the zone and no [dns] resolver configured to "
                "resolve it (AD required)");
        DK_TRY(ResolverReply reply, ask_resolver(*resolver, name, type));
        return validated_addresses(reply);
    };
    return collect_authoritative(primary, zone, ns.rdatas, at_primary, at_resolver);
}

std::string address_family(const std::string& host) {
    if (is_ip_address(host)) return host.find(':') != std::string::npos ? "IPv6" : "IPv4";
    return "name";
}

}  // namespace dk::zone
