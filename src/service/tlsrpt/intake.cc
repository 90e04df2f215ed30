#include "service/tlsrpt/intake.h"

#include <algorithm>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
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
