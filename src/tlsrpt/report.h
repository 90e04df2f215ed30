// An SMTP TLS report (RFC 8460 section 4) as typed fields, read from outside and bounded.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"

namespace dk::tlsrpt {

// One row of "failure-details" (RFC 8460 section 4.3). Absent optional fields are "".
struct FailureDetail {
    std::string result_type;  // e.g. "tlsa-invalid"; a type the RFC does not name is kept as is
    std::string sending_mta_ip;
    std::string receiving_mx_hostname;
    std::string receiving_mx_helo;
    std::string receiving_ip;
    std::uint64_t failed_session_count = 0;
    std::string additional_information;
    std::string
        failure_reason_code;  // "failure-reason-code" (the RFC's example: "failure-error-code")
};

// One element of "policies": what the sender applied and what it saw.
struct Policy {
    std::string policy_type;  // "tlsa", "sts" or "no-policy-found"
    std::vector<std::string> policy_strings;
    std::string policy_domain;
    std::vector<std::string>
        mx_hosts;  // "mx-host": one string per the RFC, a list from some senders
    std::uint64_t successful_sessions = 0;
    std::uint64_t failed_sessions = 0;
    std::vector<FailureDetail> failures;
};

struct Report {
    std::string organization_name;
    TimePoint start;
    TimePoint end;
    std::string contact_info;  // "" when the sender left it out
    std::string report_id;
    std::vector<Policy> policies;
};

// What a report may hold at most; a larger one is refused whole, never stored in part. The
// defaults leave room for the largest senders' daily reports (a few MiB of JSON).
struct Limits {
    std::size_t max_compressed_bytes = std::size_t{4} << 20;
    std::size_t max_json_bytes = std::size_t{16} << 20;
    int max_depth = 8;  // the RFC's shape nests 5 deep (report, policies, policy, policy-string)
    std::size_t max_values = 2'000'000;  // every JSON value, keys excluded
    std::size_t max_policies = 1000;
    std::size_t max_failure_details = 100'000;  // over all policies
    std::size_t max_policy_strings = 100;       // per policy
    std::size_t max_string_bytes = 4096;
};

// A failure that says a sender's DANE check of our MX failed: the DANE-specific result types of
// RFC 8460 section 4.3.2.1 under any policy, and the negotiation failures of 4.3.1 (STARTTLS,
// certificate-*, validation-failure) when the sender applied our TLSA policy. Each raises an alert.
bool is_dane_failure(std::string_view policy_type, std::string_view result_type);

}  // namespace dk::tlsrpt
