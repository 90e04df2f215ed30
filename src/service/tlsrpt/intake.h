// SMTP TLS reports taken in: read (bounded), stored once per (organization, report-id), and what
// each says about DANE at our MX, for the alert and the log.
#pragma once

#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "db/store.h"
#include "tlsrpt/report.h"

namespace dk::service {

// The stored form of a parsed report.
db::TlsrptReportRow report_row(const tlsrpt::Report& report, TimePoint received,
                               const std::string& source);

struct Intake {
    std::string organization;
    std::string report_id;
    bool stored = false;  // false: the same report was stored before
    std::uint64_t failed_sessions = 0;
    std::uint64_t dane_failed_sessions = 0;  // tlsrpt::is_dane_failure rows
};

// Parses `bytes` (gzip or JSON) and stores the report; a malformed one is bad input naming
// `source`, and nothing is stored. A report new to the store with DANE failures raises the alert
// (alert_dane_failures).
Result<Intake> take_in_report(db::Store& store, std::string_view bytes, const std::string& source,
                              TimePoint now, const tlsrpt::Limits& limits = {});

// The alert: a warn line tlsrpt.dane_failures and an event tlsrpt_dane_failures (per slot whose
// rollover steps the report's date range meets, or slot "tlsrpt") naming the failures and the
// steps in progress (correlate.h).
Status alert_dane_failures(db::Store& store, const tlsrpt::Report& report, const Intake& intake,
                           TimePoint now);

// The same for a file (a .json or .json.gz report), read bounded.
Result<Intake> take_in_file(db::Store& store, const std::string& path, TimePoint now,
                            const tlsrpt::Limits& limits = {});

// Logs the outcome: tlsrpt.report_stored (or tlsrpt.report_duplicate) with the organization,
// report-id, failed and DANE-failed sessions and the source.
void log_intake(const Intake& intake, const std::string& source);

}  // namespace dk::service
