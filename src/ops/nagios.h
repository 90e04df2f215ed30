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

// A warning or critical threshold in the plugin guidelines' range syntax: the range is what
// is fine, a value outside it alerts. "10" is 0..10 (alert below 0 or above 10), "10:" is
// 10..infinity (alert below 10), "~:10" is -infinity..10 (alert above 10).
class ThresholdRange {
  public:
    // 0..max: for counts and ages, which are never negative ("max").
    static ThresholdRange zero_to(double max) { return {0.0, max}; }
    // min..infinity: alert below min ("min:").
    static ThresholdRange at_least(double min) { return {min, std::nullopt}; }
    // -infinity..max: alert above max ("~:max").
    static ThresholdRange at_most(double max) { return {std::nullopt, max}; }
    // Whether a value alerts, as a monitoring system reads the range.
    [[nodiscard]] bool alerts(double value) const;
    [[nodiscard]] std::string text() const;

  private:
    ThresholdRange(std::optional<double> min, std::optional<double> max) : min_(min), max_(max) {}
    std::optional<double> min_;  // none: -infinity
    std::optional<double> max_;  // none: +infinity
};

struct PerfDatum {
    std::string label;
    double value = 0;
    std::string unit;  // "", "s", "%", "B", "c"
    std::optional<ThresholdRange> warn;
    std::optional<ThresholdRange> crit;
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
