#include "acme/renewal.h"

#include <algorithm>

namespace dk::acme {
namespace {

// Without ARI: renew_before_days before expiry, or two thirds into a lifetime shorter than that.
RenewalDecision without_ari(const RenewalInput& in) {
    const auto lifetime = in.not_after - in.not_before;
    const auto before = std::chrono::duration_cast<TimePoint::duration>(
        Seconds{static_cast<long long>(in.renew_before_days) * 86400});
    if (before < lifetime) return {false, in.not_after - before, "renew_before_days"};
    return {false, in.not_before + lifetime * 2 / 3, "two thirds of a short lifetime"};
}

}  // namespace

RenewalDecision decide_renewal(const RenewalInput& in, TimePoint now) {
    RenewalDecision d = without_ari(in);
    if (in.ari && in.ari->end > in.ari->start) {
        RenewalWindow window = *in.ari;
        // A window that does not end before notAfter would let the certificate expire first:
        // it ends where renewal without ARI would happen (a window starting later shrinks to it).
        const bool cut = window.end >= in.not_after;
        if (cut) {
            window.end = d.renew_at;
            window.start = std::min(window.start, window.end);
        }
        const double point = std::clamp(in.window_point, 0.0, 1.0);
        const auto span = window.end - window.start;
        d.renew_at = window.start + std::chrono::duration_cast<TimePoint::duration>(span * point);
        d.reason = cut ? "ari window cut to end before expiry" : "ari window";
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
