#include "ops/status_report.h"

#include <algorithm>
#include <cmath>

namespace dk::ops {
namespace {

constexpr double critical_days = 7;  // a certificate this close to expiry is CRITICAL

}  // namespace

namespace {

// The last run's age against the thresholds: a state, a note for the summary, a perf datum.
void judge_freshness(const RunFreshness& runs, TimePoint now, NagiosReport& r,
                     std::vector<std::string>& notes) {
    const double warn = static_cast<double>(runs.interval.count()) * runs.warning_factor;
    const double crit = static_cast<double>(runs.interval.count()) * runs.critical_factor;
    if (!runs.last_run) {
        r.state = worse(r.state, NagiosState::warning);
        notes.push_back("no run over every slot recorded yet");
        return;
    }
    // A clock set back makes no negative age.
    const double age =
        std::max(0.0, static_cast<double>(unix_seconds(now) - unix_seconds(*runs.last_run)));
    const std::string ago = std::to_string(static_cast<long long>(age)) + " s ago";
    if (age > crit) {
        r.state = worse(r.state, NagiosState::critical);
        notes.push_back("last run " + ago + " (is the daemon running?)");
    } else if (age > warn) {
        r.state = worse(r.state, NagiosState::warning);
        notes.push_back("last run " + ago + " (is the daemon running?)");
    }
    r.perf.push_back({"last_run_age",
                      age,
                      "s",
                      ThresholdRange::zero_to(warn),
                      ThresholdRange::zero_to(crit),
                      0,
                      {}});
    if (runs.last_result != 0) {
        r.state = worse(r.state, NagiosState::warning);
        notes.push_back("the last run ended with exit code " + std::to_string(runs.last_result) +
                        " (a step failed: danekeeper log)");
    }
    r.details.push_back("last run over every slot finished " + iso_time(*runs.last_run));
}

// What senders reported: a state, a note naming the sessions and organizations, a perf datum.
void judge_reported(const std::vector<ReportedDaneFailures>& reported, TimePoint now,
                    NagiosReport& r, std::vector<std::string>& notes) {
    long long sessions = 0;
    std::optional<TimePoint> latest;
    std::string organizations;
    for (const auto& f : reported) {
        if (f.sessions <= 0) continue;
        sessions += f.sessions;
        if (!latest || f.latest_end > *latest) latest = f.latest_end;
        organizations +=
            (organizations.empty() ? "" : ", ") + f.organization + " " + std::to_string(f.sessions);
        r.details.push_back(
            "tlsrpt: " + f.organization + " reported " + std::to_string(f.sessions) +
            " DANE-failed sessions, the latest in a report ending " + iso_time(f.latest_end));
    }
    if (!latest) return;  // nothing reported: the line reads as it always did
    r.perf.push_back({"tlsrpt_dane_failed_sessions",
                      static_cast<double>(sessions),
                      "",
                      ThresholdRange::zero_to(0),
                      {},
                      0,
                      {}});
    const bool recent = now - *latest <= tlsrpt_critical_age;
    r.state = worse(r.state, recent ? NagiosState::critical : NagiosState::warning);
    notes.push_back("senders reported " + std::to_string(sessions) + " DANE-failed sessions (" +
                    organizations + ")" + (recent ? "" : ", none in reports of the last 2 days") +
                    " (danekeeper tlsrpt summary)");
}

}  // namespace

NagiosReport status_nagios(const std::vector<SlotStatusFacts>& slots, const RunFreshness& runs,
                           TimePoint now, const std::vector<ReportedDaneFailures>& reported) {
    NagiosReport r;
    r.service = status_nagios_service;
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
                          ThresholdRange::zero_to(0),
                          0,
                          {}});
        if (s.cert_not_after) {
            const double days = std::floor(
                static_cast<double>(unix_seconds(*s.cert_not_after) - unix_seconds(now)) / 86400.0);
            const double warn = s.renew_before_days / 2.0;
            if (days < critical_days) {
                r.state = worse(r.state, NagiosState::critical);
                notes.push_back(s.slot + " certificate expires in " +
                                std::to_string(static_cast<long long>(days)) + " days");
            } else if (days < warn) {
                r.state = worse(r.state, NagiosState::warning);
                notes.push_back(s.slot + " renewal overdue (" +
                                std::to_string(static_cast<long long>(days)) + " days left)");
            }
            r.perf.push_back({s.slot + "_cert_days",
                              days,
                              "",
                              ThresholdRange::at_least(warn),
                              ThresholdRange::at_least(critical_days),
                              {},
                              {}});
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
    judge_freshness(runs, now, r, notes);
    judge_reported(reported, now, r, notes);
    r.summary = std::to_string(slots.size()) + " key slots";
    for (std::size_t i = 0; i < notes.size(); ++i) r.summary += (i ? ", " : ": ") + notes[i];
    return r;
}

}  // namespace dk::ops
