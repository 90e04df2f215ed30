#include "service/report/audit_history.h"

#include "db/store.h"
#include "service/tlsrpt/summary.h"

namespace dk::service {
namespace {

// A report's failures in one line: "tlsa-invalid at mx1.example.net (3), ...".
std::string failures_text(const db::TlsrptReportRow& report) {
    std::string text;
    for (const auto& policy : report.policies) {
        for (const auto& f : policy.failures) {
            if (!text.empty()) text += ", ";
            text += f.result_type +
                    (f.receiving_mx_hostname.empty() ? "" : " at " + f.receiving_mx_hostname) +
                    " (" + std::to_string(f.failed_sessions) + ")";
        }
    }
    return text.empty() ? "no failure details" : text;
}

}  // namespace

Result<ops::TimelineInput> audit_history(Runtime& rt, const AuditObservations& obs, TimePoint now,
                                         int days) {
    ops::TimelineInput in;
    in.now = now;
    in.days = days;
    in.endpoints = obs.endpoints;
    // The steps before the period too: a waiting window that ends in it began with an earlier t1.
    const TimePoint since = now - Seconds{86400LL * days} - Seconds{86400LL * days};
    DK_TRY(auto events, rt.store.events_since(since));
    for (auto& e : events)
        in.steps.push_back({e.at, std::move(e.slot), std::move(e.kind), std::move(e.details)});
    for (const auto& slot : rt.config.slots) {
        DK_TRY(auto state, rt.states.load(slot.name));
        if (state) in.states.push_back(std::move(*state));
    }
    DK_TRY(auto reports, rt.store.tlsrpt_reports_since(now - Seconds{86400LL * days}));
    for (const auto& r : reports) {
        const auto failed = failed_sessions(r);
        if (failed == 0) continue;
        in.reports.push_back({r.start, r.end, r.organization, r.report_id, failed,
                              dane_failed_sessions(r), failures_text(r)});
    }
    return in;
}

}  // namespace dk::service
