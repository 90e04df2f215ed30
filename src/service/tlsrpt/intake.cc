#include "service/tlsrpt/intake.h"

#include <algorithm>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "service/tlsrpt/correlate.h"
#include "tlsrpt/report_parser.h"

namespace dk::service {

db::TlsrptReportRow report_row(const tlsrpt::Report& report, TimePoint received,
                               const std::string& source) {
    db::TlsrptReportRow row{report.organization_name,
                            report.report_id,
                            report.contact_info,
                            report.start,
                            report.end,
                            received,
                            source,
                            {}};
    for (const tlsrpt::Policy& p : report.policies) {
        db::TlsrptPolicyRow policy{p.policy_type,
                                   p.policy_domain,
                                   join(p.policy_strings, "\n"),
                                   join(p.mx_hosts, " "),
                                   static_cast<std::int64_t>(p.successful_sessions),
                                   static_cast<std::int64_t>(p.failed_sessions),
                                   {}};
        for (const tlsrpt::FailureDetail& f : p.failures)
            policy.failures.push_back({f.result_type, f.sending_mta_ip, f.receiving_mx_hostname,
                                       f.receiving_mx_helo, f.receiving_ip,
                                       static_cast<std::int64_t>(f.failed_session_count),
                                       f.additional_information, f.failure_reason_code});
        row.policies.push_back(std::move(policy));
    }
    return row;
}

namespace {

// "tlsa-invalid mx1.example.test 12, ..." for the DANE failures of a report, at most 10 rows.
std::string dane_rows(const tlsrpt::Report& report) {
    std::string text;
    int rows = 0;
    for (const auto& p : report.policies) {
        for (const auto& f : p.failures) {
            if (!tlsrpt::is_dane_failure(p.policy_type, f.result_type)) continue;
            if (++rows > 10) return text + ", ...";
            if (!text.empty()) text += ", ";
            text += f.result_type + " " +
                    (f.receiving_mx_hostname.empty() ? f.receiving_ip : f.receiving_mx_hostname) +
                    " " + std::to_string(f.failed_session_count);
        }
    }
    return text;
}

// The steps the engines took up to a month before the report, so a long wait is still seen.
constexpr Seconds correlation_lookback{31 * 86400};

}  // namespace

Status alert_dane_failures(db::Store& store, const tlsrpt::Report& report, const Intake& intake,
                           TimePoint now) {
    auto events = store.events_since(report.start - correlation_lookback);
    if (!events) return events.error();
    const std::vector<StepAt> steps = steps_during(*events, report.start, report.end);
    const std::string details =
        "organization=\"" + printable(report.organization_name) + "\" report_id=\"" +
        printable(report.report_id) + "\" range=" + iso_time(report.start) + ".." +
        iso_time(report.end) +
        " dane_failed_sessions=" + std::to_string(intake.dane_failed_sessions) + " failures=\"" +
        printable(dane_rows(report)) + "\" steps=\"" + steps_text(steps) + "\"";
    log::warn("tlsrpt.dane_failures",
              {{"organization", report.organization_name},
               {"report_id", report.report_id},
               {"range", iso_time(report.start) + ".." + iso_time(report.end)},
               {"dane_failed_sessions", intake.dane_failed_sessions},
               {"failures", dane_rows(report)},
               {"steps", steps_text(steps)}});
    // One event per slot whose steps fall in the range, so `log` and `audit` show it beside them.
    std::vector<std::string> slots;
    for (const StepAt& s : steps) {
        if (std::find(slots.begin(), slots.end(), s.slot) == slots.end()) slots.push_back(s.slot);
    }
    if (slots.empty()) slots.push_back("tlsrpt");
    for (const std::string& slot : slots)
        DK_TRY_STATUS(store.append_event(now, slot, "tlsrpt_dane_failures", details));
    return {};
}

Result<Intake> take_in_report(db::Store& store, std::string_view bytes, const std::string& source,
                              TimePoint now, const tlsrpt::Limits& limits) {
    auto report = tlsrpt::parse_report(bytes, limits);
    if (!report) return report.error().context(source);
    Intake intake{report->organization_name, report->report_id, false, 0, 0};
    for (const auto& p : report->policies) {
        for (const auto& f : p.failures) {
            intake.failed_sessions += f.failed_session_count;
            if (tlsrpt::is_dane_failure(p.policy_type, f.result_type))
                intake.dane_failed_sessions += f.failed_session_count;
        }
    }
    auto stored = store.add_tlsrpt_report(report_row(*report, now, source));
    if (!stored) return stored.error();
    intake.stored = *stored;
    if (intake.stored && intake.dane_failed_sessions > 0)
        DK_TRY_STATUS(alert_dane_failures(store, *report, intake, now));
    return intake;
}

Result<Intake> take_in_file(db::Store& store, const std::string& path, TimePoint now,
                            const tlsrpt::Limits& limits) {
    auto bytes =
        files::read_limited(path, std::max(limits.max_compressed_bytes, limits.max_json_bytes));
    if (!bytes) return bytes.error();
    return take_in_report(store, *bytes, path, now, limits);
}

void log_intake(const Intake& intake, const std::string& source) {
    log::info(intake.stored ? "tlsrpt.report_stored" : "tlsrpt.report_duplicate",
              {{"organization", intake.organization},
               {"report_id", intake.report_id},
               {"failed_sessions", intake.failed_sessions},
               {"dane_failed_sessions", intake.dane_failed_sessions},
               {"source", source}});
}

}  // namespace dk::service
