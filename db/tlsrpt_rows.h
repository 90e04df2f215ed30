// An SMTP TLS report as stored (src/tlsrpt/report.h has the meaning; the service converts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"

namespace dk::db {

struct TlsrptFailureRow {
    std::string result_type;
    std::string sending_mta_ip;
    std::string receiving_mx_hostname;
    std::string receiving_mx_helo;
    std::string receiving_ip;
    std::int64_t failed_sessions = 0;
    std::string additional_information;
    std::string failure_reason_code;
    friend bool operator==(const TlsrptFailureRow&, const TlsrptFailureRow&) = default;
};

struct TlsrptPolicyRow {
    std::string policy_type;
    std::string policy_domain;
    std::string policy_strings;  // the lines joined by "\n"
    std::string mx_hosts;        // the names joined by " "
    std::int64_t successful = 0;
    std::int64_t failed = 0;
    std::vector<TlsrptFailureRow> failures;
    friend bool operator==(const TlsrptPolicyRow&, const TlsrptPolicyRow&) = default;
};

struct TlsrptReportRow {
    std::string organization;
    std::string report_id;
    std::string contact_info;
    TimePoint start{};
    TimePoint end{};
    TimePoint received_at{};
    std::string source;  // where it came from: "file NAME", "maildir NAME", "https ADDRESS"
    std::vector<TlsrptPolicyRow> policies;
    friend bool operator==(const TlsrptReportRow&, const TlsrptReportRow&) = default;
};

}  // namespace dk::db
