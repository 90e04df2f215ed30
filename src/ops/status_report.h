// `danekeeper status --nagios`: each slot's health as a monitoring-plugin report. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "ops/nagios.h"

namespace dk::ops {

struct SlotStatusFacts {
    std::string slot;
    bool adopted = false;
    std::optional<TimePoint> cert_not_after;  // the certificate served for the current key
    int renew_before_days = 0;     // the slot's configured value (its default: config/schema.h)
    int failed_verifications = 0;  // endpoints that did not verify after a deployment
    std::optional<TimePoint> switch_not_before;  // while a rollover waits
};

// CRITICAL: a certificate expired or expiring within 7 days, or failed verifications;
// WARNING: a slot not adopted, or a certificate within half its renew_before_days (renewal
// is overdue); OK otherwise. Perfdata per slot: days to expiry, failed verifications, and the
// seconds until the switch while a rollover waits.
NagiosReport status_nagios(const std::vector<SlotStatusFacts>& slots, TimePoint now);

}  // namespace dk::ops
