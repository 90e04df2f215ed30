// Fuzzes the reader of SMTP TLS reports, as mailed (MIME), sent (gzip) and inflated (JSON): never
// crash; small limits (set as a fuzz target caps resources before parsing) hold for every report
// read: no more policies, failure rows, lines or bytes per string than allowed, no control
// character, and a date range that does not end before it starts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tlsrpt/mime.h"
#include "tlsrpt/report_parser.h"

namespace {

void check_text(const std::string& s, const dk::tlsrpt::Limits& limits) {
    if (s.size() > limits.max_string_bytes) std::abort();
    for (const unsigned char c : s) {
        if (c < 0x20 || c == 0x7f) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    dk::tlsrpt::Limits limits;
    limits.max_compressed_bytes = 64 * 1024;
    limits.max_json_bytes = 256 * 1024;
    limits.max_policies = 8;
    limits.max_failure_details = 64;
    limits.max_policy_strings = 8;
    limits.max_string_bytes = 256;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    // A mail (the seeds mail_*) gives up its report part; anything else is read as the report.
    dk::tlsrpt::MimeLimits mail_limits;
    mail_limits.max_message_bytes = 512 * 1024;
    mail_limits.max_parts = 16;
    auto part = dk::tlsrpt::report_from_mail(input, mail_limits);
    if (part.ok() && part->size() > input.size()) std::abort();  // decoding only shrinks
    const std::string_view bytes = part.ok() ? std::string_view(*part) : input;
    auto report = dk::tlsrpt::parse_report(bytes, limits);
    if (!report.ok()) {
        if (report.error().message.empty()) std::abort();
        return 0;
    }
    if (report->end < report->start || report->report_id.empty()) std::abort();
    if (report->policies.empty() || report->policies.size() > limits.max_policies) std::abort();
    std::size_t rows = 0;
    for (const auto& p : report->policies) {
        check_text(p.policy_type, limits);
        if (p.policy_strings.size() > limits.max_policy_strings) std::abort();
        for (const auto& line : p.policy_strings) check_text(line, limits);
        for (const auto& f : p.failures) {
            check_text(f.result_type, limits);
            check_text(f.additional_information, limits);
            check_text(f.receiving_mx_hostname, limits);
        }
        rows += p.failures.size();
    }
    if (rows > limits.max_failure_details) std::abort();
    return 0;
}
