// Monitoring-plugin output (the Nagios plugin API): one status line with performance data,
// optional long output, and the exit code 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dk::ops {

enum class NagiosState { ok = 0, warning = 1, critical = 2, unknown = 3 };
std::string_view to_string(NagiosState state);

struct PerfDatum {
    std::string label;
    double value = 0;
    std::string unit;  // "", "s", "%", "B", "c"
    std::optional<double> warn;
    std::optional<double> crit;
    std::optional<double> min;
    std::optional<double> max;
};

struct NagiosReport {
    std::string service;  // e.g. "DANE"
    NagiosState state = NagiosState::unknown;
    std::string summary;
    std::vector<std::string> details;  // long output, one line each
    std::vector<PerfDatum> perf;
};

// "SERVICE STATE - summary | perf...\ndetail\n...". Characters that would break the format
// ('|' anywhere, newlines in the summary or a detail) are replaced.
std::string format_nagios(const NagiosReport& report);

// The worse of two states; UNKNOWN ranks between WARNING and CRITICAL.
NagiosState worse(NagiosState a, NagiosState b);

}  // namespace dk::ops
