#include "ops/status_snapshot.h"

#include <nlohmann/json.hpp>

namespace dk::ops {
namespace {

using json = nlohmann::json;

constexpr std::string_view format_name = "danekeeper-status-1";
constexpr int max_depth = 4;  // object > slots > slot > value
// Times are Unix seconds up to 2^33 (year 2242): TimePoint counts nanoseconds in 64 bits, which
// end in 2262 (found by fuzz.status_snapshot: a larger value overflowed).
constexpr long long max_time = 1LL << 33;

json optional_time(const std::optional<TimePoint>& t) {
    return t ? json(unix_seconds(*t)) : json(nullptr);
}

// Reads one field, or says which one is wrong.
class Reader {
  public:
    Reader(const json& object, std::string prefix, std::string& problem)
        : object_(object), prefix_(std::move(prefix)), problem_(problem) {}

    long long integer(const char* key, long long min, long long max) {
        const json* v = field(key);
        if (v == nullptr) return min;
        if (!v->is_number_integer() || v->get<long long>() < min || v->get<long long>() > max) {
            fail(key, "must be an integer in " + std::to_string(min) + ".." + std::to_string(max));
            return min;
        }
        return v->get<long long>();
    }
    std::optional<TimePoint> time(const char* key) {
        const json* v = field(key);
        if (v == nullptr || v->is_null()) return std::nullopt;
        if (!v->is_number_integer() || v->get<long long>() < 0 || v->get<long long>() > max_time) {
            fail(key, "must be Unix seconds (0.." + std::to_string(max_time) + ") or null");
            return std::nullopt;
        }
        return from_unix_seconds(v->get<long long>());
    }
    std::string text(const char* key) {
        const json* v = field(key);
        if (v == nullptr) return {};
        if (!v->is_string() || v->get<std::string>().size() > 256) {
            fail(key, "must be a string of at most 256 bytes");
            return {};
        }
        return v->get<std::string>();
    }
    bool boolean(const char* key) {
        const json* v = field(key);
        if (v == nullptr) return false;
        if (!v->is_boolean()) fail(key, "must be true or false");
        return v->is_boolean() && v->get<bool>();
    }

  private:
    const json* field(const char* key) {
        const auto it = object_.find(key);
        if (it == object_.end()) {
            fail(key, "missing");
            return nullptr;
        }
        return &*it;
    }
    void fail(const char* key, const std::string& what) {
        if (problem_.empty()) problem_ = prefix_ + key + ": " + what;
    }
    const json& object_;
    std::string prefix_;
    std::string& problem_;
};

}  // namespace

std::string snapshot_json(const StatusSnapshot& s) {
    json slots = json::array();
    for (const auto& f : s.slots) {
        slots.push_back({{"slot", f.slot},
                         {"adopted", f.adopted},
                         {"cert_not_after", optional_time(f.cert_not_after)},
                         {"renew_before_days", f.renew_before_days},
                         {"failed_verifications", f.failed_verifications},
                         {"switch_not_before", optional_time(f.switch_not_before)}});
    }
    json tlsrpt = json::array();
    for (const auto& f : s.tlsrpt)
        tlsrpt.push_back({{"organization", f.organization},
                          {"sessions", f.sessions},
                          {"latest_end", unix_seconds(f.latest_end)}});
    return json{{"format", format_name},
                {"written_at", unix_seconds(s.written_at)},
                {"last_run", optional_time(s.runs.last_run)},
                {"last_run_result", s.runs.last_result},
                {"run_interval_seconds", s.runs.interval.count()},
                {"stale_warning_factor", s.runs.warning_factor},
                {"stale_critical_factor", s.runs.critical_factor},
                {"slots", slots},
                {"tlsrpt_dane_failures", tlsrpt}}
               .dump(1) +
           "\n";
}

Result<StatusSnapshot> parse_snapshot(std::string_view text, const std::string& source) {
    if (text.size() > max_snapshot_bytes)
        return Error::bad_input(source + ": larger than " + std::to_string(max_snapshot_bytes) +
                                " bytes");
    // Nesting is bounded while parsing: nothing deeper is ever built.
    bool too_deep = false;
    const json::parser_callback_t bound = [&](int depth, json::parse_event_t, json&) {
        if (depth > max_depth) too_deep = true;
        return !too_deep;
    };
    const json root = json::parse(text.begin(), text.end(), bound, false);
    if (too_deep) return Error::bad_input(source + ": nested deeper than a status snapshot");
    if (root.is_discarded() || !root.is_object())
        return Error::bad_input(source + ": not a danekeeper status snapshot (JSON object)");
    std::string problem;
    Reader top(root, "", problem);
    if (top.text("format") != format_name && problem.empty())
        problem = "format: not " + std::string(format_name);
    StatusSnapshot s;
    s.written_at = from_unix_seconds(top.integer("written_at", 0, max_time));
    s.runs.last_run = top.time("last_run");
    s.runs.last_result = static_cast<int>(top.integer("last_run_result", 0, 255));
    s.runs.interval = Seconds{top.integer("run_interval_seconds", 1, 86400 * 365)};
    s.runs.warning_factor = static_cast<int>(top.integer("stale_warning_factor", 1, 1000));
    s.runs.critical_factor = static_cast<int>(top.integer("stale_critical_factor", 1, 1000));
    const auto slots = root.find("slots");
    if (problem.empty() &&
        (slots == root.end() || !slots->is_array() || slots->size() > max_snapshot_slots))
        problem = "slots: must be an array of at most " + std::to_string(max_snapshot_slots);
    for (std::size_t i = 0; problem.empty() && i < slots->size(); ++i) {
        const json& item = (*slots)[i];
        const std::string prefix = "slots[" + std::to_string(i) + "].";
        if (!item.is_object()) {
            problem = prefix.substr(0, prefix.size() - 1) + ": must be an object";
            break;
        }
        Reader r(item, prefix, problem);
        SlotStatusFacts f;
        f.slot = r.text("slot");
        f.adopted = r.boolean("adopted");
        f.cert_not_after = r.time("cert_not_after");
        f.renew_before_days = static_cast<int>(r.integer("renew_before_days", 1, 3650));
        f.failed_verifications = static_cast<int>(r.integer("failed_verifications", 0, 1 << 30));
        f.switch_not_before = r.time("switch_not_before");
        s.slots.push_back(std::move(f));
    }
    const auto tlsrpt = root.find("tlsrpt_dane_failures");
    if (problem.empty() && tlsrpt != root.end() &&
        (!tlsrpt->is_array() || tlsrpt->size() > max_snapshot_organizations))
        problem = "tlsrpt_dane_failures: must be an array of at most " +
                  std::to_string(max_snapshot_organizations);
    for (std::size_t i = 0; problem.empty() && tlsrpt != root.end() && i < tlsrpt->size(); ++i) {
        const json& item = (*tlsrpt)[i];
        const std::string prefix = "tlsrpt_dane_failures[" + std::to_string(i) + "].";
        if (!item.is_object()) {
            problem = prefix.substr(0, prefix.size() - 1) + ": must be an object";
            break;
        }
        Reader r(item, prefix, problem);
        ReportedDaneFailures f;
        f.organization = r.text("organization");
        f.sessions = r.integer("sessions", 1, 1LL << 53);
        f.latest_end = r.time("latest_end").value_or(TimePoint{});
        s.tlsrpt.push_back(std::move(f));
    }
    if (!problem.empty()) return Error::bad_input(source + ": " + problem);
    return s;
}

}  // namespace dk::ops
