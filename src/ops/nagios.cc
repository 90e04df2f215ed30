#include "ops/nagios.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace dk::ops {

namespace {

// Each state's name and how bad it is: OK < WARNING < UNKNOWN < CRITICAL when reports combine.
struct StateFacts {
    NagiosState state;
    std::string_view name;
    int rank;
};
constexpr StateFacts states[] = {{NagiosState::ok, "OK", 0},
                                 {NagiosState::warning, "WARNING", 1},
                                 {NagiosState::unknown, "UNKNOWN", 2},
                                 {NagiosState::critical, "CRITICAL", 3}};

const StateFacts& facts_of(NagiosState state) {
    const auto* f = std::find_if(std::begin(states), std::end(states),
                                 [&](const StateFacts& s) { return s.state == state; });
    return f != std::end(states) ? *f : states[2];  // unknown
}

}  // namespace

std::string_view to_string(NagiosState state) {
    return facts_of(state).name;
}

namespace {

std::string clean(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        if (c == '|') c = '/';
        if (c == '\n' || c == '\r') c = ' ';
    }
    return out;
}

std::string number(double v) {
    char buf[64];
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.3f", v);
    return buf;
}

std::string optional_number(const std::optional<double>& v) {
    return v ? number(*v) : "";
}

std::string optional_range(const std::optional<ThresholdRange>& r) {
    return r ? r->text() : "";
}

// Labels with spaces, '=' or quotes are single-quoted, inner quotes doubled (plugin API).
std::string label(std::string_view text) {
    std::string plain = clean(text);
    if (plain.find_first_of(" ='") == std::string::npos) return plain;
    std::string out = "'";
    for (char c : plain) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

std::string perf_text(const PerfDatum& p) {
    std::string out = label(p.label) + "=" + number(p.value) + p.unit;
    const std::string tail[] = {optional_range(p.warn), optional_range(p.crit),
                                optional_number(p.min), optional_number(p.max)};
    std::size_t last = 4;
    while (last > 0 && tail[last - 1].empty()) --last;
    for (std::size_t i = 0; i < last; ++i) out += ";" + tail[i];
    return out;
}

}  // namespace

bool ThresholdRange::alerts(double value) const {
    return (min_ && value < *min_) || (max_ && value > *max_);
}

std::string ThresholdRange::text() const {
    if (min_ && max_) return *min_ == 0 ? number(*max_) : number(*min_) + ":" + number(*max_);
    if (min_) return number(*min_) + ":";
    if (max_) return "~:" + number(*max_);
    return "~:";
}

NagiosState worse(NagiosState a, NagiosState b) {
    return facts_of(a).rank >= facts_of(b).rank ? a : b;
}

std::string format_nagios(const NagiosReport& report) {
    std::string out = clean(report.service) + " " + std::string(to_string(report.state)) + " - " +
                      clean(report.summary);
    if (!report.perf.empty()) {
        out += " |";
        for (const auto& p : report.perf) out += " " + perf_text(p);
    }
    out += "\n";
    for (const auto& line : report.details) out += clean(line) + "\n";
    return out;
}

}  // namespace dk::ops
