// Prometheus text exposition (format 0.0.4) of danekeeper's state after a run. Pure: the shell
// fills the snapshot and writes the text to a textfile-collector file or serves it over HTTP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace dk::ops {

struct EndpointMetric {
    std::string slot;
    std::string endpoint;  // host:port
    std::string address;
    std::string algorithm;  // the presented chain's key family; empty: no handshake
    bool match = false;     // presents a chain that matches its published TLSA RRset
};

struct OwnerMetric {
    std::string owner;
    std::optional<long long> rrsig_seconds_left;  // the earliest RRSIG expiry over the servers
};

struct SlotMetric {
    std::string slot;
    std::optional<TimePoint> cert_not_after;
    std::optional<TimePoint> next_action;  // when the slot's next planned step is due
    std::string next_action_kind;          // what it is, e.g. "publish_next"
};

// Failed sessions senders reported (RFC 8460) in the reporting window, by result type and MX.
struct TlsrptFailureMetric {
    std::string result_type;
    std::string policy_type;
    std::string mx;
    bool dane = false;
    long long failed_sessions = 0;
};

// How far back the TLSRPT metrics look: reports whose date range ended within it.
inline constexpr Seconds tlsrpt_metrics_window{7 * 86400};

struct MetricsSnapshot {
    std::vector<EndpointMetric> endpoints;
    std::vector<OwnerMetric> owners;
    std::vector<SlotMetric> slots;
    std::optional<TimePoint> next_action;  // the earliest over every slot and zone
    int last_run_result = 0;  // the run's exit code: 0 ok, 1 alert, 2 config, 3 environment
    double last_run_seconds = 0;
    TimePoint last_run_at{};
    long long tlsrpt_reports = 0;  // in tlsrpt_metrics_window
    long long tlsrpt_dane_failed_sessions = 0;
    std::vector<TlsrptFailureMetric> tlsrpt_failures;
};

std::string prometheus_text(const MetricsSnapshot& snapshot, TimePoint now);

// A label value with backslash, double quote and newline escaped.
std::string escape_label(const std::string& value);

}  // namespace dk::ops
