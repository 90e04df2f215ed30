#include "cli/step_printer.h"

#include <cstdio>

#include "cli/command.h"

namespace dk::cli {

std::string describe(const engine::Action& a) {
    std::string out = std::string(engine::to_string(a.kind)) + ": " + a.reason;
    if (a.kind == engine::ActionKind::wait || a.kind == engine::ActionKind::set_switch_time)
        out += " (until " + iso_time(a.at) + ")";
    for (const auto& c : a.changes) {
        out += "\n      " + std::string(c.op == engine::ChangeOp::add ? "+ " : "- ") + c.owner +
               " TLSA " + c.record.rdata_text();
    }
    return out;
}

std::string describe(const engine::SlotState& s) {
    auto key = [](const std::optional<engine::SlotKey>& k) {
        if (!k) return std::string("-");
        std::string out = k->id;
        if (k->published_at)
            out += " (published everywhere since " + iso_time(*k->published_at) + ")";
        return out;
    };
    std::string out = "slot " + s.slot + ": " + std::string(engine::to_string(s.phase));
    out += "\n  current:  " + key(s.current);
    out += "\n  next:     " + key(s.next);
    if (s.previous) out += "\n  previous: " + key(s.previous) + " (record still published)";
    if (s.switch_not_before)
        out += "\n  earliest switch to next: " + iso_time(*s.switch_not_before);
    if (s.current_cert_not_after)
        out += "\n  current certificate expires: " + iso_time(*s.current_cert_not_after);
    if (s.next_cert_not_after)
        out += "\n  next certificate ready, expires: " + iso_time(*s.next_cert_not_after);
    if (s.next_deployed) out += "\n  next key deployed, awaiting verification";
    if (s.emergency) out += "\n  emergency rollover requested";
    return out;
}

service::SlotRunHooks printing_hooks() {
    service::SlotRunHooks hooks;
    hooks.on_step = [](const engine::Action& action, const engine::SlotState& state) {
        std::printf("[%s] %s %s\n", iso_time(std::chrono::system_clock::now()).c_str(),
                    state.slot.c_str(), describe(action).c_str());
        std::fflush(stdout);
    };
    hooks.on_error = [](const Error& error) { fail(error); };
    return hooks;
}

}  // namespace dk::cli
