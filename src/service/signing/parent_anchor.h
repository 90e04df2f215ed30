// A zone anchored at its parent ([dns] parent_anchor_file and the zone's parent_servers): the
// zone's DS RRset read from every parent server and validated from that anchor
// (zone/parent_ds.h), for the engine, dns-status and audit alike.
#pragma once

#include <optional>

#include "base/clock.h"
#include "config/config.h"
#include "zone/parent_ds.h"
#include "zone/tlsa_view.h"

namespace dk::service {

// True when the configuration anchors this zone at its parent ([dns] parent_anchor_file): at
// its parent_servers, or when none are listed at the servers its parent's NS RRset names
// (found through [dns] resolver, zone/parent_ds.h discover_parent_servers).
bool parent_anchored(const config::Config& config, const config::ZoneConfig& zone);

// The parent's DS of `zone`, validated, and matched to the KSKs the first of `zone_servers`
// serves (none given: not matched); nullopt when the zone is not anchored at its parent. An
// Error only when the anchor file cannot be read.
Result<std::optional<zone::ParentDsCheck>> check_parent_of(
    const config::Config& config, const config::ZoneConfig& zone, TimePoint now,
    const std::vector<HostPort>& zone_servers = {});

// The engine's trust problems (engine::Observations::trust_problems) from a check: each finding
// with the parent it was seen at, then the fixes; none when nothing was found.
std::vector<std::string> parent_trust_problems(const zone::ParentDsCheck& check);

// Anchors `view` at the parent when the configuration says so (view.parent_ds: what every parent
// server serves validated, matched to the KSKs view.servers[0] serves); logs every finding as an
// alert. nullopt when not anchored there.
Result<std::optional<zone::ParentDsCheck>> anchor_at_parent(zone::TlsaViewOptions& view,
                                                            const config::Config& config,
                                                            const config::ZoneConfig& zone,
                                                            TimePoint now);

}  // namespace dk::service
