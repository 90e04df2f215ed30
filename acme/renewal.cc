#include "acme/renewal.h"

#include <algorithm>

namespace dk::acme {

RenewalDecision decide_renewal(const RenewalInput& in, TimePoint now) {
    RenewalDecision d;
    if (in.ari && in.ari->end > in.ari->start) {
        const double point = std::clamp(in.window_point, 0.0, 1.0);
        const auto span = in.ari->end - in.ari->start;
        d.renew_at = in.ari->start + std::chrono::duration_cast<TimePoint::duration>(span * point);
        d.reason = "ari window";
    } else {
        const auto lifetime = in.not_after - in.not_before;
        const auto before = std::chrono::duration_cast<TimePoint::duration>(
            Seconds{static_cast<long long>(in.renew_before_days) * 86400});
        if (before < lifetime) {
            d.renew_at = in.not_after - before;
            d.reason = "renew_before_days";
        } else {
            d.renew_at = in.not_before + lifetime * 2 / 3;
            d.reason = "two thirds of a short lifetime";
        }
    }
    // An expired certificate is due whatever a window says.
    if (now >= in.not_after) {
        d.renew_at = std::min(d.renew_at, now);
        d.reason = "expired";
    }
    d.renew_now = now >= d.renew_at;
    return d;
}

}  // namespace dk::acme
