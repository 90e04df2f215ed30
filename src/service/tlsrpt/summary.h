// What the stored TLS reports add up to: sessions that succeeded and failed, and the failures
// grouped by result type and MX, DANE failures marked (tlsrpt::is_dane_failure).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/tlsrpt_rows.h"

namespace dk::service {

struct FailureGroup {
    std::string result_type;
    std::string policy_type;
    std::string receiving_mx_hostname;
    bool dane = false;
    std::int64_t failed_sessions = 0;
    std::int64_t reports = 0;  // how many reports name it
    TimePoint first{};         // the earliest start of their date ranges
    TimePoint last{};          // the latest end
};

struct TlsrptSummary {
    std::int64_t reports = 0;
    std::int64_t organizations = 0;
    std::int64_t successful_sessions = 0;
    std::int64_t failed_sessions = 0;
    std::int64_t dane_failed_sessions = 0;
    std::vector<FailureGroup> failures;  // most failed sessions first
};

TlsrptSummary summarise(const std::vector<db::TlsrptReportRow>& reports);

// A report's total of failed sessions, and of those DANE failures.
std::int64_t failed_sessions(const db::TlsrptReportRow& report);
std::int64_t dane_failed_sessions(const db::TlsrptReportRow& report);

}  // namespace dk::service
