#include "ops/audit_timeline.h"

#include <algorithm>
#include <map>
#include <sstream>

namespace dk::ops {
namespace {

constexpr Seconds day{86400};

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool is_number(const std::string& w) {
    return !w.empty() &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The changes a publish step names (engine runner: "add OWNER TLSA U S M DATA; remove ...").
void add_changes(const LoggedStep& step, std::vector<TimelineMark>& marks) {
    const auto w = words(step.details);
    for (std::size_t i = 0; i + 6 < w.size(); ++i) {
        if ((w[i] != "add" && w[i] != "remove") || w[i + 2] != "TLSA" || !is_number(w[i + 3]) ||
            !is_number(w[i + 4]) || !is_number(w[i + 5]))
            continue;
        std::string data = w[i + 6];
        while (!data.empty() && (data.back() == ';' || data.back() == ')')) data.pop_back();
        const bool add = w[i] == "add";
        marks.push_back({step.at, step.slot, add ? MarkKind::published : MarkKind::retired,
                         (add ? "published " : "retired ") + w[i + 1] + " TLSA " + w[i + 3] + " " +
                             w[i + 4] + " " + w[i + 5] + " " + data});
    }
}

// The switch time a set_switch_time step names at its end ("...: 2026-12-06T10:00:00Z").
std::optional<TimePoint> named_time(const std::string& details) {
    const auto w = words(details);
    for (auto it = w.rbegin(); it != w.rend(); ++it) {
        if (auto t = parse_rfc3339(*it)) return t;
    }
    return std::nullopt;
}

struct SlotSteps {
    std::vector<TimelineMark> marks;
    std::vector<TimelineSpan> spans;
};

SlotSteps from_steps(const std::vector<LoggedStep>& steps, TimePoint from, TimePoint now) {
    SlotSteps out;
    std::map<std::string, TimePoint> last_t1;
    for (const auto& s : steps) {
        if (s.at > now) continue;
        if (s.kind == "mark_published") last_t1[s.slot] = s.at;
        if (s.kind == "set_switch_time") {
            const auto until = named_time(s.details);
            const auto t1 = last_t1.find(s.slot);
            const TimePoint start = t1 != last_t1.end() ? t1->second : s.at;
            // The switch time only moves later: one window per t1, ending at the last one set.
            std::erase_if(out.spans, [&](const TimelineSpan& w) {
                return w.lane == s.slot && w.from == start;
            });
            if (until && *until >= from)
                out.spans.push_back({start, *until, s.slot, SpanKind::waiting,
                                     "waiting from t1 to the earliest switch " + iso_time(*until)});
        }
        if (s.at < from) continue;
        if (s.kind == "publish") add_changes(s, out.marks);
        if (s.kind == "mark_published")
            out.marks.push_back({s.at, s.slot, MarkKind::t1,
                                 "t1: the next record is served "
                                 "everywhere, validated"});
        if (s.kind == "complete_switch")
            out.marks.push_back({s.at, s.slot, MarkKind::key_switch, "key switch: " + s.details});
        if (s.kind == "deploy")
            out.marks.push_back({s.at, s.slot, MarkKind::deploy, "deployed: " + s.details});
        if (s.kind == "alert")
            out.marks.push_back({s.at, s.slot, MarkKind::alert, "alert: " + s.details});
    }
    return out;
}

// The window the slot is in now (its state), unless the log named it already.
void add_state_windows(const std::vector<engine::SlotState>& states,
                       std::vector<TimelineSpan>& spans) {
    for (const auto& s : states) {
        if (!s.next || !s.next->published_at || !s.switch_not_before) continue;
        const TimePoint t1 = *s.next->published_at;
        const bool known = std::any_of(spans.begin(), spans.end(), [&](const TimelineSpan& w) {
            return w.lane == s.slot && w.kind == SpanKind::waiting && w.to == *s.switch_not_before;
        });
        if (!known)
            spans.push_back(
                {t1, *s.switch_not_before, s.slot, SpanKind::waiting,
                 "waiting from t1 to the earliest switch " + iso_time(*s.switch_not_before)});
    }
}

// The earliest RRSIG expiry each owner's servers showed.
std::map<std::string, TimePoint> rrsig_expiries(const std::vector<EndpointEvidence>& endpoints) {
    std::map<std::string, TimePoint> out;
    for (const auto& e : endpoints) {
        for (const auto& s : e.servers) {
            if (!s.rrsig_expiration) continue;
            auto [it, fresh] = out.emplace(e.owner, *s.rrsig_expiration);
            if (!fresh && *s.rrsig_expiration < it->second) it->second = *s.rrsig_expiration;
        }
    }
    return out;
}

void add_lane(std::vector<std::string>& lanes, const std::string& lane) {
    if (std::find(lanes.begin(), lanes.end(), lane) == lanes.end()) lanes.push_back(lane);
}

}  // namespace

std::string_view to_string(MarkKind kind) {
    switch (kind) {
        case MarkKind::published:
            return "published";
        case MarkKind::retired:
            return "retired";
        case MarkKind::t1:
            return "t1";
        case MarkKind::key_switch:
            return "key switch";
        case MarkKind::deploy:
            return "deploy";
        case MarkKind::rrsig_expiry:
            return "RRSIG expiry";
        case MarkKind::alert:
            return "alert";
    }
    return "?";
}

Timeline build_timeline(const TimelineInput& input) {
    Timeline t;
    const Seconds span = day * std::max(1, input.days);
    t.now = input.now;
    t.from = input.now - span;
    auto [marks, spans] = from_steps(input.steps, t.from, input.now);
    add_state_windows(input.states, spans);
    const auto expiries = rrsig_expiries(input.endpoints);
    // Reach past now to what is scheduled: the switches and RRSIG expiries (at most `days`).
    TimePoint latest = input.now + span / 20;
    for (const auto& w : spans) latest = std::max(latest, w.to);
    for (const auto& [owner, at] : expiries) latest = std::max(latest, at);
    t.to = std::min(latest, input.now + span);
    for (const auto& [owner, at] : expiries) {
        if (at >= t.from && at <= t.to)
            marks.push_back({at, std::string(lane_dnssec), MarkKind::rrsig_expiry,
                             "the first RRSIG over " + owner + " TLSA expires"});
    }
    for (const auto& r : input.reports) {
        if (r.failed_sessions == 0 || r.end < t.from || r.start > t.to) continue;
        spans.push_back({r.start, r.end, std::string(lane_tlsrpt), SpanKind::tlsrpt,
                         r.organization + " (report " + r.report_id +
                             "): " + std::to_string(r.failed_sessions) + " failed sessions, " +
                             std::to_string(r.dane_failed_sessions) + " DANE: " + r.what});
    }
    for (auto& w : spans) {
        w.from = std::clamp(w.from, t.from, t.to);
        w.to = std::clamp(w.to, t.from, t.to);
    }
    std::erase_if(spans, [](const TimelineSpan& w) { return w.to < w.from; });
    // The slots first (configured order, then any the log names), then DNSSEC and TLSRPT.
    for (const auto& s : input.states) add_lane(t.lanes, s.slot);
    for (const auto& m : marks) {
        if (m.lane != lane_dnssec) add_lane(t.lanes, m.lane);
    }
    for (const auto& w : spans) {
        if (w.lane != lane_tlsrpt) add_lane(t.lanes, w.lane);
    }
    for (const auto& m : marks) {
        if (m.lane == lane_dnssec) add_lane(t.lanes, m.lane);
    }
    for (const auto& w : spans) {
        if (w.lane == lane_tlsrpt) add_lane(t.lanes, w.lane);
    }
    std::stable_sort(marks.begin(), marks.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    std::stable_sort(spans.begin(), spans.end(),
                     [](const auto& a, const auto& b) { return a.from < b.from; });
    t.marks = std::move(marks);
    t.spans = std::move(spans);
    return t;
}

}  // namespace dk::ops
