// Verbs about one slot's state: adopt, status, rollover start/check.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "cert/chain.h"
#include "cli/handlers.h"
#include "cli/step_printer.h"
#include "cli/verb_options.h"
#include "engine/planner.h"
#include "engine/safety.h"
#include "engine/state_json.h"
#include "engine/transitions.h"
#include "ops/metrics.h"
#include "ops/status_snapshot.h"
#include "service/daemon/requests.h"
#include "service/daemon/slot_runs.h"
#include "service/issuance/acme_issuer.h"
#include "service/report/status_snapshot.h"
#include "service/runtime/runtime.h"
#include "service/tlsrpt/standing.h"

namespace dk::cli {
namespace {

constexpr const char* adopt_usage =
    "danekeeper adopt SLOT [--dry-run]: take over the key and certificate served now";
constexpr const char* status_usage =
    "danekeeper status [SLOT] [--json] [--nagios [--from-snapshot FILE]]: each slot's state, keys "
    "and what it waits for";
constexpr const char* rollover_usage =
    "danekeeper rollover start SLOT... [--emergency] [--dry-run] | rollover check SLOT | rollover "
    "--emergency SLOT";

Error usage_error(const char* usage) {
    return Error::bad_input(std::string("usage: ") + usage);
}

// A slot verb's start: the runtime, the named slot and its saved state (none: not adopted yet).
struct OpenSlot {
    std::unique_ptr<service::Runtime> rt;
    const config::SlotConfig* slot = nullptr;
    std::optional<engine::SlotState> state;
};

Result<OpenSlot> open_slot(const Invocation& inv, const std::string& name,
                           service::Locking locking) {
    OpenSlot open;
    DK_TRY(open.rt, service::open_runtime(inv.globals.config_path, locking));
    open.slot = open.rt->config.slot(name);
    if (open.slot == nullptr)
        return Error::bad_input("no key slot named '" + name + "' in " + open.rt->config.source);
    DK_TRY(open.state, open.rt->states.load(open.slot->name));
    return open;
}

}  // namespace

int run_adopt(const Invocation& inv) {
    VerbOptions options(inv, adopt_usage);
    options.add()("dry-run", "print the plan, change nothing");
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const auto words = options.words();
    if (words.size() > 1) return fail(usage_error(adopt_usage));
    if (words.empty()) return fail(Error::bad_input("usage: danekeeper adopt SLOT"));
    const bool dry_run = options.result().count("dry-run") > 0;
    auto open = open_slot(inv, words[0], service::Locking::exclusive);
    if (!open.ok()) return fail(open.error());
    auto& rt = open->rt;
    const auto* slot = open->slot;
    if (open->state) {
        std::printf("slot %s is already managed\n%s\n", slot->name.c_str(),
                    describe(*open->state).c_str());
        return 0;
    }
    auto runtime = service::SlotRuntime::build(*rt, *slot);
    if (!runtime.ok()) return fail(runtime.error());
    if (dry_run) {
        std::printf(
            "would adopt %s (key) and %s (chain) as the current key of slot %s and make its next "
            "key; a run then publishes both records\n",
            slot->key_file.c_str(), slot->cert_file.c_str(), slot->name.c_str());
        return 0;
    }
    auto key = (*runtime)->vault().import_served(rt->clock.now());
    if (!key.ok()) return fail(key.error());
    // The next key is made now, ahead of need: the first run publishes both records without
    // waiting on the CPU (an RSA key takes 100-160 ms here, a rollover of many slots one each).
    auto next = (*runtime)->vault().generate_key(slot->name, rt->clock.now());
    if (!next.ok()) return fail(next.error());
    engine::SlotState state;
    state.slot = slot->name;
    state.current = *key;
    state.next = *next;
    if (auto chain_text = files::read_limited((*runtime)->vault().chain_path(key->id));
        chain_text.ok()) {
        if (auto chain = cert::parse_chain_pem(*chain_text, slot->cert_file); chain.ok()) {
            state.current_cert_not_after = cert::not_after(*chain->front());
        }
    }
    if (auto s = rt->states.save(state, "adopt",
                                 "adopted " + slot->key_file + " as key " + key->id +
                                     "; next key " + next->id + " made");
        !s.ok())
        return fail(s.error());
    std::printf("adopted: slot %s current key %s, next key %s\n", slot->name.c_str(),
                key->id.c_str(), next->id.c_str());
    return 0;
}

namespace {

// `status --nagios --from-snapshot FILE`: the snapshot alone (another user's check reads neither
// the configuration nor the state directory).
int status_from_snapshot(const std::string& path, const std::string& only_slot) {
    const auto text = files::read_limited(path, ops::max_snapshot_bytes);
    if (!text.ok()) return fail(text.error());
    auto snapshot = ops::parse_snapshot(*text, path);
    if (!snapshot.ok()) return fail(snapshot.error());
    std::erase_if(snapshot->slots, [&](const ops::SlotStatusFacts& s) {
        return !only_slot.empty() && s.slot != only_slot;
    });
    if (!only_slot.empty() && snapshot->slots.empty())
        return fail(Error::bad_input("no key slot named '" + only_slot + "' in " + path));
    const auto report =
        ops::status_nagios(snapshot->slots, snapshot->runs, SystemClock().now(), snapshot->tlsrpt);
    std::fputs(ops::format_nagios(report).c_str(), stdout);
    return static_cast<int>(report.state);
}

int status_nagios(service::Runtime& rt, const std::string& only_slot) {
    const auto facts = service::collect_slot_status(rt, only_slot);
    if (!facts.ok()) return fail(facts.error());
    const auto runs = service::run_freshness(rt);
    if (!runs.ok()) return fail(runs.error());
    const auto reported = service::reported_dane_failures(rt);
    if (!reported.ok()) return fail(reported.error());
    const auto report = ops::status_nagios(*facts, *runs, rt.clock.now(), *reported);
    std::fputs(ops::format_nagios(report).c_str(), stdout);
    return static_cast<int>(report.state);
}

}  // namespace

int run_status(const Invocation& inv) {
    VerbOptions options(inv, status_usage);
    options.json().nagios();
    options.add()("from-snapshot",
                  "with --nagios: judge FILE ([monitoring] status_file) alone; opens neither the "
                  "configuration nor the state directory",
                  cxxopts::value<std::string>());
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const auto words = options.words();
    if (words.size() > 1) return fail(usage_error(status_usage));
    const std::string only_slot = words.empty() ? std::string() : words[0];
    const bool json = options.given("json");
    const bool nagios = options.given("nagios");
    if (options.given("from-snapshot")) {
        if (!nagios) return fail(Error::bad_input("status: --from-snapshot needs --nagios"));
        return status_from_snapshot(options.result()["from-snapshot"].as<std::string>(), only_slot);
    }
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::reader);
    if (!rt.ok()) return fail(rt.error());
    if (!only_slot.empty() && (*rt)->config.slot(only_slot) == nullptr)
        return fail(
            Error::bad_input("no key slot named '" + only_slot + "' in " + (*rt)->config.source));
    if (nagios) return status_nagios(**rt, only_slot);
    auto stored = (*rt)->states.load_all();
    if (!stored.ok()) return fail(stored.error());
    nlohmann::json out = nlohmann::json::array();
    for (const auto& slot : (*rt)->config.slots) {
        if (!only_slot.empty() && slot.name != only_slot) continue;
        auto state = stored->load(slot.name);
        if (!state.ok()) return fail(state.error());
        // A refused or rate-limited ACME order: when the next one goes out.
        std::optional<service::AcmeHold> hold;
        if (slot.certificates == "acme")
            hold = service::read_acme_hold((*rt)->config.state_dir + "/acme", (*rt)->clock.now());
        if (json) {
            out.push_back(*state ? nlohmann::json::parse(engine::to_json(**state))
                                 : nlohmann::json{{"slot", slot.name}, {"adopted", false}});
            out.back()["algorithm"] =
                slot.algorithm;  // slots of two algorithms may share endpoints
            if (hold)
                out.back()["acme_next_attempt"] = {{"at", iso_time(hold->next_attempt)},
                                                   {"refusals", hold->refusals}};
        } else if (*state) {
            std::printf("%s\n  algorithm: %s\n", describe(**state).c_str(), slot.algorithm.c_str());
            if (hold) {
                const std::string why =
                    hold->refusals > 0
                        ? "backoff after " + std::to_string(hold->refusals) + " refusal(s) in a row"
                        : "the CA's Retry-After";
                std::printf("  next ACME order: %s (%s)\n", iso_time(hold->next_attempt).c_str(),
                            why.c_str());
            }
        } else {
            std::printf("slot %s: not adopted yet (danekeeper adopt %s)\n", slot.name.c_str(),
                        slot.name.c_str());
        }
    }
    if (json) {
        std::printf("%s\n", out.dump(2).c_str());
    } else if (only_slot.empty()) {
        // What senders reported lately (RFC 8460), after the slots.
        auto tlsrpt =
            service::tlsrpt_standing((*rt)->store, (*rt)->clock.now(), ops::tlsrpt_metrics_window);
        if (!tlsrpt.ok()) return fail(tlsrpt.error());
        for (const auto& line : service::standing_lines(*tlsrpt)) std::printf("%s\n", line.c_str());
    }
    return 0;
}

namespace {

// `rollover start SLOT...`: every named slot is checked (configured, adopted) before any request
// is left, so that a mistyped name changes nothing; a running daemon is woken once for all. The
// store is only read (never created or migrated, as for status).
int start_rollovers(const std::vector<std::string>& names, const Invocation& inv, bool emergency,
                    bool dry_run) {
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::reader);
    if (!rt.ok()) return fail(rt.error());
    std::vector<std::string> requested;
    for (const auto& name : names) {
        const auto* slot = (*rt)->config.slot(name);
        if (slot == nullptr)
            return fail(
                Error::bad_input("no key slot named '" + name + "' in " + (*rt)->config.source));
        if (std::find(requested.begin(), requested.end(), slot->name) == requested.end())
            requested.push_back(slot->name);
    }
    auto stored = (*rt)->states.load_all();
    if (!stored.ok()) return fail(stored.error());
    for (const auto& name : requested) {
        auto state = stored->load(name);
        if (!state.ok()) return fail(state.error());
        if (!*state) return fail(Error::bad_input("slot " + name + " is not adopted yet"));
    }
    if (dry_run) {
        for (const auto& name : requested)
            std::printf("would start a%s rollover of slot %s\n", emergency ? "n emergency" : "",
                        name.c_str());
        return 0;
    }
    if (auto s = service::request_slot_rollovers((*rt)->config, requested, emergency); !s.ok())
        return fail(s.error());
    for (const auto& name : requested) {
        std::printf(
            "rollover of slot %s requested; the engine (danekeeper run, or the daemon) carries it "
            "out safely\n",
            name.c_str());
    }
    return 0;
}

}  // namespace

int run_rollover(const Invocation& inv) {
    VerbOptions options(inv, rollover_usage);
    options.add()("emergency", "start: switch as soon as the next key is safely published")(
        "dry-run", "start: print the plan, change nothing");
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const bool emergency = options.result().count("emergency") > 0;
    const bool dry_run = options.result().count("dry-run") > 0;
    auto words = options.words();
    if (emergency && words.size() == 1)
        words.insert(words.begin(), "start");  // `rollover --emergency SLOT`
    if (words.size() < 2 || (words[0] != "start" && words[0] != "check") ||
        (words[0] == "check" && words.size() != 2))
        return fail(usage_error(rollover_usage));
    const std::string& sub = words[0];
    if (sub == "start") {
        return start_rollovers({words.begin() + 1, words.end()}, inv, emergency, dry_run);
    }
    // check only reads: the store opens read-only and is never created or migrated (an old
    // schema is refused, naming the verbs that migrate it), as for status.
    auto open = open_slot(inv, words[1], service::Locking::reader);
    if (!open.ok()) return fail(open.error());
    auto& rt = open->rt;
    const auto* slot = open->slot;
    if (!open->state) return fail(Error::bad_input("slot " + slot->name + " is not adopted yet"));
    engine::SlotState state = *open->state;
    // check: is switching to next safe right now?
    auto runtime = service::SlotRuntime::build(*rt, *slot);
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
        else if (!engine::switch_wait_over(engine::count_monotonic(state, obs->monotonic), *obs))
            unmet.push_back("the next record ages in caches until " +
                            iso_time(*state.switch_not_before) +
                            " by the wall clock, and as long by the monotonic clock");
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
