#include "zone/dnssec_keys/timings.h"

#include <algorithm>
#include <vector>

#include "zone/dnssec_keys/observations.h"

namespace dk::zone::dnssec_keys {

TimePoint zsk_may_sign_at(TimePoint seen, const ZoneTtls& ttls, const KeyPolicy& p) {
    return seen + ttls.dnskey_ttl + p.publish_safety;
}

TimePoint zsk_may_go_at(TimePoint seen, const ZoneTtls& ttls, const KeyPolicy& p) {
    return seen + std::max(ttls.max_zone_ttl, ttls.negative_ttl) + p.retire_safety;
}

TimePoint ksk_may_switch_at(TimePoint ds_seen, Seconds ds_ttl, const KeyPolicy& p) {
    return ds_seen + ds_ttl + p.publish_safety;
}

TimePoint old_ds_may_go_at(TimePoint seen, const ZoneTtls& ttls, const KeyPolicy& p) {
    return seen + ttls.dnskey_ttl + p.retire_safety;
}

bool all_answered(const std::vector<ServerKeys>& servers) {
    return !servers.empty() &&
           std::all_of(servers.begin(), servers.end(), [](const auto& s) { return s.answered; });
}

bool all_answered(const std::vector<ParentServerDs>& parent) {
    return !parent.empty() &&
           std::all_of(parent.begin(), parent.end(), [](const auto& s) { return s.answered; });
}

}  // namespace dk::zone::dnssec_keys
