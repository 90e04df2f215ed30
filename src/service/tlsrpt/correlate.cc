#include "service/tlsrpt/correlate.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace dk::service {
namespace {

// The engines' steps (engine/actions.h, zone/dnssec_keys): what changes what is published or
// served. Alerts, refusals and reports are not steps.
bool is_step(const std::string& kind) {
    static const std::set<std::string> steps{
        "generate_next_key",   "publish", "mark_published",  "set_switch_time",
        "request_certificate", "deploy",  "complete_switch", "clear_previous"};
    return steps.contains(kind);
}

}  // namespace

std::vector<StepAt> steps_during(const std::vector<db::Event>& events, TimePoint start,
                                 TimePoint end) {
    std::map<std::string, std::optional<StepAt>> before;  // per slot: the last step before start
    std::map<std::string, std::vector<StepAt>> within;
    for (const db::Event& e : events) {
        if (!is_step(e.kind) || e.at > end) continue;
        if (e.at < start)
            before[e.slot] = StepAt{e.slot, e.kind, e.at, false};
        else
            within[e.slot].push_back({e.slot, e.kind, e.at, true});
    }
    std::vector<StepAt> out;
    std::set<std::string> slots;
    for (const auto& [slot, step] : before) slots.insert(slot);
    for (const auto& [slot, steps] : within) slots.insert(slot);
    for (const std::string& slot : slots) {
        if (auto it = before.find(slot); it != before.end() && it->second)
            out.push_back(*it->second);
        if (auto it = within.find(slot); it != within.end())
            out.insert(out.end(), it->second.begin(), it->second.end());
    }
    return out;
}

std::string steps_text(const std::vector<StepAt>& steps) {
    if (steps.empty()) return "none";
    std::string text;
    // Per slot (steps come grouped by slot, oldest first): the last step is the one in progress
    // at the end of the range; up to five before it say how it got there.
    for (std::size_t first = 0; first < steps.size();) {
        std::size_t last = first;
        while (last + 1 < steps.size() && steps[last + 1].slot == steps[first].slot) ++last;
        if (!text.empty()) text += "; ";
        text += steps[last].slot + ": " + steps[last].kind + " since " + iso_time(steps[last].at);
        const std::size_t from = last - std::min<std::size_t>(last - first, 5);
        for (std::size_t i = from; i < last; ++i)
            text +=
                (i == from ? " (after " : ", ") + steps[i].kind + " at " + iso_time(steps[i].at);
        if (from < last) text += ")";
        first = last + 1;
    }
    return text;
}

}  // namespace dk::service
