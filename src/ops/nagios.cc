#include "ops/nagios.h"

#include <cmath>
#include <cstdio>

namespace dk::ops {

std::string_view to_string(NagiosState state) {
    switch (state) {
        case NagiosState::ok:
            return "OK";
        case NagiosState::warning:
            return "WARNING";
        case NagiosState::critical:
            return "CRITICAL";
        case NagiosState::unknown:
            return "UNKNOWN";
    }
    return "UNKNOWN";
}

namespace {

int rank(NagiosState s) {
    switch (s) {
        case NagiosState::ok:
            return 0;
        case NagiosState::warning:
            return 1;
        case NagiosState::unknown:
            return 2;
        case NagiosState::critical:
            return 3;
    }
    return 2;
}

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
    const std::string tail[] = {optional_number(p.warn), optional_number(p.crit),
                                optional_number(p.min), optional_number(p.max)};
    std::size_t last = 4;
    while (last > 0 && tail[last - 1].empty()) --last;
    for (std::size_t i = 0; i < last; ++i) out += ";" + tail[i];
    return out;
}

}  // namespace

NagiosState worse(NagiosState a, NagiosState b) {
    return rank(a) >= rank(b) ? a : b;
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
