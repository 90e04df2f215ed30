// danekeeper log [--since T] [--json]: the append-only event log, for auditors and tooling.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "ops/since.h"
#include "service/runtime/runtime.h"

namespace dk::cli {
namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json event_json(const db::Event& e) {
    return {{"id", e.id},
            {"at", iso_time(e.at)},
            {"slot", e.slot},
            {"kind", e.kind},
            {"details", e.details},
            {"zone", or_null(e.zone)},
            {"owner", or_null(e.owner)},
            {"serial", or_null(e.serial)},
            {"rrset_before", or_null(e.rrset_before)},
            {"rrset_after", or_null(e.rrset_after)}};
}

void print_event(const db::Event& e) {
    std::string line = iso_time(e.at) + " " + e.slot + " " + e.kind;
    if (e.zone) line += " zone=" + *e.zone;
    if (e.owner) line += " owner=" + *e.owner;
    if (e.serial) line += " serial=" + std::to_string(*e.serial);
    if (!e.details.empty()) line += " " + e.details;
    for (char& c : line) {
        if (c == '\n') c = ' ';
    }
    std::printf("%s\n", line.c_str());
}

}  // namespace

int run_log(const Invocation& inv) {
    VerbOptions options(inv, "Export the event log, oldest first (exit 0, 2 bad input, 3 store)");
    options.add()("since",
                  "only events at or after T: 2026-11-24T12:00:00Z, Unix seconds, or an age such "
                  "as 12h or 7d",
                  cxxopts::value<std::string>());
    options.json();
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    TimePoint since{};
    if (parsed.count("since")) {
        auto t = ops::parse_since(parsed["since"].as<std::string>(), SystemClock{}.now());
        if (!t.ok()) return fail(t.error());
        since = *t;
    }
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::reader);
    if (!rt.ok()) return fail(rt.error());
    auto events = (*rt)->store.events_since(since);
    if (!events.ok()) return fail(events.error());
    if (!parsed.count("json")) {
        for (const auto& e : *events) print_event(e);
        return 0;
    }
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : *events) out.push_back(event_json(e));
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
}

}  // namespace dk::cli
