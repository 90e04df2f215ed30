// Verbs about one slot's state: adopt, status, rollover start/check.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cxxopts.hpp>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "cert/chain.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "engine/planner.h"
#include "engine/safety.h"
#include "engine/state_json.h"
#include "ops/status_report.h"
#include "service/daemon/requests.h"
#include "service/daemon/slot_runs.h"
#include "service/runtime/runtime.h"

namespace dk::cli {
namespace {

struct SlotArgs {
    std::string slot;
    bool dry_run = false;
    bool json = false;
    bool emergency = false;
    bool nagios = false;  // status: monitoring-plugin output
    std::string sub;      // rollover: start | check
};

Result<SlotArgs> parse_slot_args(const Invocation& inv, const std::string& usage, bool with_sub,
                                 bool* help) {
    cxxopts::Options options(inv.args[0], usage);
    options.add_options()("dry-run", "print the plan, change nothing")("json", "JSON output")(
        "emergency", "rollover start: switch as soon as the next key is safely published")(
        "nagios", "status: monitoring-plugin output and exit code")("h,help", "show help")(
        "positional", "", cxxopts::value<std::vector<std::string>>()->default_value({}));
    options.parse_positional({"positional"});
    ArgvView argv(inv.args);
    try {
        auto parsed = options.parse(argv.argc(), argv.argv());
        *help = parsed.count("help") > 0;
        if (*help) {
            std::printf("%s\n", options.help().c_str());
            return SlotArgs{};
        }
        auto pos = parsed["positional"].as<std::vector<std::string>>();
        SlotArgs a{.dry_run = parsed.count("dry-run") > 0,
                   .json = parsed.count("json") > 0,
                   .emergency = parsed.count("emergency") > 0,
                   .nagios = parsed.count("nagios") > 0};
        if (with_sub && a.emergency && pos.size() == 1) {  // `rollover --emergency SLOT`
            a.sub = "start";
            a.slot = pos[0];
        } else if (with_sub) {
            if (pos.size() != 2 || (pos[0] != "start" && pos[0] != "check"))
                return Error::bad_input("usage: " + usage);
            a.sub = pos[0];
            a.slot = pos[1];
        } else if (pos.size() == 1) {
            a.slot = pos[0];
        } else if (!pos.empty()) {
            return Error::bad_input("usage: " + usage);
        }
        return a;
    } catch (const cxxopts::exceptions::exception& e) {
        return Error::bad_input(e.what());
    }
}

const config::SlotConfig* find_slot(service::Runtime& rt, const std::string& name, Error& error) {
    const auto* s = rt.config.slot(name);
    if (s == nullptr)
        error = Error::bad_input("no key slot named '" + name + "' in " + rt.config.source);
    return s;
}

}  // namespace

int run_adopt(const Invocation& inv) {
    bool help = false;
    auto args = parse_slot_args(
        inv, "danekeeper adopt SLOT [--dry-run]: take over the key and certificate served now",
        false, &help);
    if (help) return 0;
    if (!args.ok()) return fail(args.error());
    if (args->slot.empty()) return fail(Error::bad_input("usage: danekeeper adopt SLOT"));
    auto rt = service::open_runtime(inv.globals.config_path);
    if (!rt.ok()) return fail(rt.error());
    Error error;
    const auto* slot = find_slot(**rt, args->slot, error);
    if (slot == nullptr) return fail(error);
    auto existing = (*rt)->states.load(slot->name);
    if (!existing.ok()) return fail(existing.error());
    if (*existing) {
        std::printf("slot %s is already managed\n%s\n", slot->name.c_str(),
                    describe(**existing).c_str());
        return 0;
    }
    auto runtime = service::SlotRuntime::build(**rt, *slot);
    if (!runtime.ok()) return fail(runtime.error());
    if (args->dry_run) {
        std::printf(
            "would adopt %s (key) and %s (chain) as the current key of slot %s, then publish its "
            "record and a next key's\n",
            slot->key_file.c_str(), slot->cert_file.c_str(), slot->name.c_str());
        return 0;
    }
    auto key = (*runtime)->vault().import_served((*rt)->clock.now());
    if (!key.ok()) return fail(key.error());
    engine::SlotState state;
    state.slot = slot->name;
    state.current = *key;
    if (auto chain_text = files::read_limited((*runtime)->vault().chain_path(key->id));
        chain_text.ok()) {
        if (auto chain = cert::parse_chain_pem(*chain_text, slot->cert_file); chain.ok()) {
            state.current_cert_not_after = cert::not_after(*chain->front());
        }
    }
    if (auto s =
            (*rt)->states.save(state, "adopt", "adopted " + slot->key_file + " as key " + key->id);
        !s.ok())
        return fail(s.error());
    std::printf("adopted: slot %s current key %s\n", slot->name.c_str(), key->id.c_str());
    return 0;
}

int run_status(const Invocation& inv) {
    bool help = false;
    auto args = parse_slot_args(inv,
                                "danekeeper status [SLOT] [--json] [--nagios]: each slot's state, "
                                "keys and what it waits for",
                                false, &help);
    if (help) return 0;
    if (!args.ok()) return fail(args.error());
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok() && args->nagios) {
        std::printf("DANEKEEPER UNKNOWN - %s\n", rt.error().message.c_str());
        return 3;
    }
    if (!rt.ok()) return fail(rt.error());
    nlohmann::json out = nlohmann::json::array();
    std::vector<ops::SlotStatusFacts> facts;
    for (const auto& slot : (*rt)->config.slots) {
        if (!args->slot.empty() && slot.name != args->slot) continue;
        auto state = (*rt)->states.load(slot.name);
        if (!state.ok()) return fail(state.error());
        if (args->nagios) {
            facts.push_back({slot.name, state->has_value(),
                             *state ? (*state)->current_cert_not_after : std::nullopt,
                             slot.renew_before_days, *state ? (*state)->failed_verifications : 0,
                             *state && (*state)->phase == engine::Phase::rolling
                                 ? (*state)->switch_not_before
                                 : std::nullopt});
        } else if (args->json) {
            out.push_back(*state ? nlohmann::json::parse(engine::to_json(**state))
                                 : nlohmann::json{{"slot", slot.name}, {"adopted", false}});
        } else if (*state) {
            std::printf("%s\n", describe(**state).c_str());
        } else {
            std::printf("slot %s: not adopted yet (danekeeper adopt %s)\n", slot.name.c_str(),
                        slot.name.c_str());
        }
    }
    if (args->nagios) {
        const auto report = ops::status_nagios(facts, (*rt)->clock.now());
        std::fputs(ops::format_nagios(report).c_str(), stdout);
        return static_cast<int>(report.state);
    }
    if (args->json) std::printf("%s\n", out.dump(2).c_str());
    return 0;
}

int run_rollover(const Invocation& inv) {
    bool help = false;
    auto args = parse_slot_args(inv,
                                "danekeeper rollover start|check SLOT [--emergency] [--dry-run] | "
                                "rollover --emergency SLOT",
                                true, &help);
    if (help) return 0;
    if (!args.ok()) return fail(args.error());
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok()) return fail(rt.error());
    Error error;
    const auto* slot = find_slot(**rt, args->slot, error);
    if (slot == nullptr) return fail(error);
    auto loaded = (*rt)->states.load(slot->name);
    if (!loaded.ok()) return fail(loaded.error());
    if (!*loaded) return fail(Error::bad_input("slot " + slot->name + " is not adopted yet"));
    engine::SlotState state = **loaded;
    if (args->sub == "start") {
        if (args->dry_run) {
            std::printf("would start a%s rollover of slot %s\n",
                        args->emergency ? "n emergency" : "", slot->name.c_str());
            return 0;
        }
        if (auto s = service::request_slot_rollover((*rt)->config, slot->name, args->emergency);
            !s.ok())
            return fail(s.error());
        std::printf(
            "rollover of slot %s requested; the engine (danekeeper run, or the daemon) carries it "
            "out safely\n",
            slot->name.c_str());
        return 0;
    }
    // check: is switching to next safe right now?
    auto runtime = service::SlotRuntime::build(**rt, *slot);
    if (!runtime.ok()) return fail(runtime.error());
    auto ports = (*runtime)->ports();
    auto obs = engine::observe_slot((*runtime)->setup(), ports, state);
    if (!obs.ok()) return fail(obs.error());
    std::vector<std::string> unmet;
    if (!state.next) {
        unmet.push_back("there is no next key");
    } else {
        if (!engine::published_everywhere(*obs, engine::record_for(*state.next)))
            unmet.push_back(
                "the next key's record is not served and validated by every authoritative server");
        if (!state.switch_not_before)
            unmet.push_back("the next key's publication time is not established yet");
        else if (obs->now < *state.switch_not_before)
            unmet.push_back("the next record ages in caches until " +
                            iso_time(*state.switch_not_before));
    }
    for (const auto& ep : obs->endpoints) {
        if (!ep.reachable)
            unmet.push_back("endpoint " + ep.endpoint + "@" + ep.address +
                            " unreachable: " + ep.problem);
    }
    if (unmet.empty()) {
        std::printf("safe: switching slot %s to its next key now cannot break DANE\n",
                    slot->name.c_str());
        return 0;
    }
    for (const auto& u : unmet) std::printf("unsafe: %s\n", u.c_str());
    return 1;
}

}  // namespace dk::cli
