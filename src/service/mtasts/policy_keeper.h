// MTA-STS (RFC 8461) kept in step with the zone: the policy file the web server serves, written
// from the MX RRset senders see (validated), and the `_mta-sts` TXT id bumped through the zone's
// publisher whenever the policy text changes (the file first, then the id: section 3.3).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "base/result.h"
#include "cert/chain.h"
#include "config/config.h"
#include "zone/publisher.h"

namespace dk::service {

struct MtaStsKept {
    std::string domain;           // the mail domain (the zone's name, no trailing dot)
    std::string policy_text;      // as written
    std::string id;               // of policy_text (mtasts::policy_id)
    bool policy_written = false;  // the file changed
    bool txt_changed = false;     // the TXT record was replaced
    std::string update;           // what the primary said, when it changed
};

// "_mta-sts.ZONE." for a zone name (absolute).
std::string mta_sts_owner(const std::string& zone);

// The MX names of `domain` (absolute) as a sender sees them through the validating resolver,
// each as a policy pattern (lower case, no trailing dot), sorted, once each. check_failed when
// the answer is not validated, denied or a null MX; environment when the resolver fails.
Result<std::vector<std::string>> validated_mx_patterns(const HostPort& resolver,
                                                       const std::string& domain);

// Writes the policy file (atomically, 0644) when its text differs, then makes the TXT at
// _mta-sts.ZONE "v=STSv1; id=ID" for that text by one guarded change (other STS records there
// are removed). While the mode is enforce it also records in state_dir until when senders may
// hold an enforce policy (now + max_age), before anything is published.
Result<MtaStsKept> keep_mta_sts(const config::ZoneConfig& zone, const HostPort& resolver,
                                zone::Publisher& publisher, const std::string& state_dir,
                                TimePoint now);

// Until when senders may hold an enforce policy of the zone they fetched (recorded by
// keep_mta_sts); none when it never was enforce or unreadable.
std::optional<TimePoint> enforce_cached_until(const std::string& state_dir,
                                              const std::string& zone);

// Which policies a demand comes from: enforce ones only (what the rollover refuses by), or
// testing ones too (what the lint warns about).
enum class MtaStsScope { enforced, testing_too };

// The slot's SMTP endpoints (port 25) that senders applying an MTA-STS policy authenticate by
// WebPKI: the zone's mode is enforce (or was, and senders may hold it: within max_age), or
// testing with testing_too; and an mx pattern of the policy file covers the endpoint's host.
std::vector<cert::WebPkiDemand> webpki_demands(const config::Config& config,
                                               const config::SlotConfig& slot, TimePoint now,
                                               MtaStsScope scope = MtaStsScope::enforced);

}  // namespace dk::service
