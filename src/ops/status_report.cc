#include "ops/status_report.h"

#include <cmath>

namespace dk::ops {

NagiosReport status_nagios(const std::vector<SlotStatusFacts>& slots, TimePoint now) {
    NagiosReport r;
    r.service = "DANEKEEPER";
    r.state = slots.empty() ? NagiosState::unknown : NagiosState::ok;
    std::vector<std::string> notes;
    for (const auto& s : slots) {
        if (!s.adopted) {
            r.state = worse(r.state, NagiosState::warning);
            notes.push_back(s.slot + " not adopted");
            continue;
        }
        if (s.failed_verifications > 0) {
            r.state = worse(r.state, NagiosState::critical);
            notes.push_back(s.slot + " " + std::to_string(s.failed_verifications) +
                            " failed verifications");
        }
        r.perf.push_back({s.slot + "_failed_verifications",
                          static_cast<double>(s.failed_verifications),
                          "",
                          {},
                          0,
                          0,
                          {}});
        if (s.cert_not_after) {
            const double days = std::floor(
                static_cast<double>(unix_seconds(*s.cert_not_after) - unix_seconds(now)) / 86400.0);
            const double warn = s.renew_before_days / 2.0;
            if (days < 7) {
                r.state = worse(r.state, NagiosState::critical);
                notes.push_back(s.slot + " certificate expires in " +
                                std::to_string(static_cast<long long>(days)) + " days");
            } else if (days < warn) {
                r.state = worse(r.state, NagiosState::warning);
                notes.push_back(s.slot + " renewal overdue (" +
                                std::to_string(static_cast<long long>(days)) + " days left)");
            }
            r.perf.push_back({s.slot + "_cert_days", days, "", warn, 7, {}, {}});
        }
        if (s.switch_not_before) {
            const long long left =
                std::max<long long>(0, unix_seconds(*s.switch_not_before) - unix_seconds(now));
            r.perf.push_back(
                {s.slot + "_switch_in", static_cast<double>(left), "s", {}, {}, 0, {}});
        }
        r.details.push_back(s.slot + (s.cert_not_after
                                          ? ": certificate until " + iso_time(*s.cert_not_after)
                                          : ": no certificate recorded"));
    }
    r.summary = std::to_string(slots.size()) + " key slots";
    for (std::size_t i = 0; i < notes.size(); ++i) r.summary += (i ? ", " : ": ") + notes[i];
    return r;
}

}  // namespace dk::ops
