// The audit page's timeline as a pure function: from the event log's rollover steps, each slot's
// state, the RRSIG expiries the servers showed and the senders' TLS reports, the marks and spans
// of the last N days (and of what is already scheduled after now).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "engine/slot_state.h"
#include "ops/audit.h"

namespace dk::ops {

// One line of the event log as the timeline reads it.
struct LoggedStep {
    TimePoint at{};
    std::string slot;
    std::string kind;  // the engine's action (publish, mark_published, complete_switch, ...)
    std::string details;
};

// A sender's TLS report (RFC 8460) that counts failed sessions.
struct ReportedFailures {
    TimePoint start{};
    TimePoint end{};
    std::string organization;
    std::string report_id;
    std::int64_t failed_sessions = 0;
    std::int64_t dane_failed_sessions = 0;
    std::string what;  // the failures, e.g. "tlsa-invalid at mx1.example.net (3)"
};

enum class MarkKind {
    published,     // a TLSA record added
    retired,       // a TLSA record removed
    t1,            // the next record is served everywhere, validated
    key_switch,    // every endpoint presents the next key: it became current
    deploy,        // the next key's chain and key written, reload run
    rrsig_expiry,  // the earliest RRSIG over an owner's TLSA RRset expires
    alert,         // the engine stopped for a human
};

enum class SpanKind {
    waiting,  // t1 to the earliest switch: the next record ages in every cache
    tlsrpt,   // a report's date range with failed sessions
};

inline constexpr std::string_view lane_dnssec = "DNSSEC";
inline constexpr std::string_view lane_tlsrpt = "TLSRPT";

struct TimelineMark {
    TimePoint at{};
    std::string lane;  // the slot, "DNSSEC" or "TLSRPT"
    MarkKind kind = MarkKind::published;
    std::string text;
};

struct TimelineSpan {
    TimePoint from{};
    TimePoint to{};
    std::string lane;
    SpanKind kind = SpanKind::waiting;
    std::string text;
};

struct Timeline {
    TimePoint from{};  // now - days
    TimePoint now{};
    TimePoint to{};                  // now, or later when something is scheduled (capped)
    std::vector<std::string> lanes;  // top to bottom
    std::vector<TimelineMark> marks;
    std::vector<TimelineSpan> spans;
};

struct TimelineInput {
    TimePoint now{};
    int days = 30;
    std::vector<LoggedStep> steps;  // oldest first
    std::vector<engine::SlotState> states;
    std::vector<EndpointEvidence> endpoints;  // for the RRSIG expiries
    std::vector<ReportedFailures> reports;
};

// Everything within [now - days, to]; marks and spans sorted by time. `to` reaches past now to
// the latest scheduled switch or RRSIG expiry, at most `days` after now.
Timeline build_timeline(const TimelineInput& input);

std::string_view to_string(MarkKind kind);

}  // namespace dk::ops
