// When to renew a certificate: a pure function of the certificate's validity, the configured
// renew_before_days, ARI's suggested window (RFC 9773) when the CA offers one, and now.
#pragma once

#include <optional>
#include <string>

#include "acme/directory.h"
#include "base/clock.h"

namespace dk::acme {

struct RenewalInput {
    TimePoint not_before;
    TimePoint not_after;
    int renew_before_days = 0;         // the slot's configured value (its default: config/schema.h)
    std::optional<RenewalWindow> ari;  // the CA's suggested window, when fetched
    // Where in the ARI window to renew, 0..1 (RFC 9773 section 4.2: a random point, so that
    // clients spread out; the caller draws it once per certificate and keeps it).
    double window_point = 0.5;
};

struct RenewalDecision {
    bool renew_now = false;
    TimePoint renew_at;  // when it becomes due (the next wake-up when not due yet)
    std::string reason;  // "ari window", "ari window cut to end before expiry", ...
};

// ARI decides when it is present: renew at start + point * (end - start); a window already
// over means now. A window that does not end before not_after is cut to end where renewal
// without ARI would happen (a CA's window past expiry would otherwise let the certificate
// expire before it is renewed). Without ARI: renew_before_days before not_after, but never later
// than two thirds into the lifetime for certificates shorter-lived than renew_before_days
// (short-lived certificates would otherwise be renewed the moment they are issued).
RenewalDecision decide_renewal(const RenewalInput& input, TimePoint now);

}  // namespace dk::acme
