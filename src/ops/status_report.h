// `danekeeper status --nagios`: each slot's health as a monitoring-plugin report. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "ops/nagios.h"

namespace dk::ops {

inline constexpr std::string_view status_nagios_service = "DANEKEEPER";

struct SlotStatusFacts {
    std::string slot;
    bool adopted = false;
    std::optional<TimePoint> cert_not_after;  // the certificate served for the current key
    int renew_before_days = 0;     // the slot's configured value (its default: config/schema.h)
    int failed_verifications = 0;  // endpoints that did not verify after a deployment
    std::optional<TimePoint> switch_not_before;  // while a rollover waits
};

// When the last run over every slot finished, and how often one is expected ([monitoring]).
struct RunFreshness {
    std::optional<TimePoint> last_run;  // none: no run recorded yet
    int last_result = 0;                // its exit code (README "Exit codes")
    Seconds interval{3600};
    int warning_factor = 2;
    int critical_factor = 6;
};

// DANE failures senders reported (TLSRPT, RFC 8460) about our MX, per reporting organization,
// in the reports whose date range ended within the last week (ops::tlsrpt_metrics_window).
struct ReportedDaneFailures {
    std::string organization;
    long long sessions = 0;  // DANE-failed sessions (tlsrpt::is_dane_failure)
    TimePoint latest_end{};  // the end of the latest report that had them
};

// Reported DANE failures are CRITICAL while the latest report with them ended this recently (a
// daily report, a few hours to arrive: senders failed yesterday or today), WARNING after.
inline constexpr Seconds tlsrpt_critical_age{2 * 86400};

// CRITICAL: a certificate expired or expiring within 7 days, failed verifications, or the last
// run finished more than critical_factor intervals ago; WARNING: a slot not adopted, a
// certificate within half its renew_before_days (renewal is overdue), no run recorded, the last
// run older than warning_factor intervals (a daemon that died reads as one, never OK), or the
// last run ended with a non-zero exit code (a step that keeps failing: a host down); OK
// otherwise. Perfdata per slot: days to expiry, failed verifications, and the seconds until the
// switch while a rollover waits; then the last run's age. Senders' reported DANE failures:
// CRITICAL or WARNING as tlsrpt_critical_age says, naming the count and each organization, with
// the perf datum tlsrpt_dane_failed_sessions (only then: nothing reported adds nothing).
NagiosReport status_nagios(const std::vector<SlotStatusFacts>& slots, const RunFreshness& runs,
                           TimePoint now, const std::vector<ReportedDaneFailures>& reported = {});

}  // namespace dk::ops
