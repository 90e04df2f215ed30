// The mta_sts_* keys of a [[zone]]: MTA-STS (RFC 8461) for the mail domain named like the zone.
#include "config/parse_parts.h"

namespace dk::config {

std::optional<MtaStsConfig> parse_mta_sts(Table& t) {
    if (t.node("mta_sts_mode") == nullptr) {
        for (const auto& key : schema::keys) {
            if (key.section == "zone" && key.only == schema::Only::mta_sts &&
                t.node(key.name) != nullptr)
                t.problem(key.name, "only with mta_sts_mode");
        }
        return std::nullopt;
    }
    MtaStsConfig m;
    m.mode = t.choice("mta_sts_mode");
    m.max_age = static_cast<int>(t.integer("mta_sts_max_age"));
    m.policy_file = t.path("mta_sts_policy_file", true).value_or("");
    for (const auto& address :
         t.strings("mta_sts_addresses", false).value_or(std::vector<std::string>{})) {
        if (!is_ip_address(address))
            t.problem("mta_sts_addresses", "'" + address + "' is not an IP address");
        else
            m.addresses.push_back(address);
    }
    m.ca_bundle = t.path("mta_sts_ca_bundle", false);
    return m;
}

}  // namespace dk::config
