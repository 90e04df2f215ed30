#include "service/signing/parent_anchor.h"

#include "base/log.h"

namespace dk::service {

bool parent_anchored(const config::Config& config, const config::ZoneConfig& /*zone*/) {
    return config.parent_anchor_file.has_value();
}

Result<std::optional<zone::ParentDsCheck>> check_parent_of(
    const config::Config& config, const config::ZoneConfig& zone, TimePoint now,
    const std::vector<HostPort>& zone_servers) {
    if (!parent_anchored(config, zone)) return std::optional<zone::ParentDsCheck>{};
    const zone::TransportOptions transport;
    if (zone.parent_servers.empty() && !config.resolver)
        return Error::bad_input("zone " + zone.name +
                                ": no parent_servers, and no [dns] resolver to find them");
    // Configured servers are asked as they are; otherwise the parent's NS RRset names them.
    DK_TRY(zone::ParentDsCheck check,
           zone.parent_servers.empty()
               ? zone::check_parent_ds_discovered(*config.resolver, zone.name,
                                                  *config.parent_anchor_file, transport, now)
               : zone::check_parent_ds(zone.parent_servers, zone.name, *config.parent_anchor_file,
                                       transport, now, config.resolver));
    if (!zone_servers.empty()) {
        auto keys = zone::served_dnskeys(zone_servers.front(), zone.name, {});
        if (keys.ok())
            zone::match_ds_to_ksks(check, **keys);
        else
            check.findings.push_back("the zone's KSKs: " + keys.error().message);
    }
    for (const auto& finding : check.findings)
        log::warn("dnssec.parent_ds_finding", {{"zone", zone.name}, {"finding", finding}});
    return std::optional{std::move(check)};
}

std::vector<std::string> parent_trust_problems(const zone::ParentDsCheck& check) {
    std::vector<std::string> out;
    for (const auto& finding : check.findings) {
        out.push_back("the parent's DS of " + check.zone + " (" + check.parent_zone +
                      ", anchored by " + check.anchor_source + "): " + finding);
    }
    for (const auto& fix : check.fixes) out.push_back("fix: " + fix);
    return out;
}

Result<std::optional<zone::ParentDsCheck>> anchor_at_parent(zone::TlsaViewOptions& view,
                                                            const config::Config& config,
                                                            const config::ZoneConfig& zone,
                                                            TimePoint now) {
    DK_TRY(auto check, check_parent_of(config, zone, now, view.servers));
    if (check) view.parent_ds = check->validated_ds;
    return check;
}

}  // namespace dk::service
