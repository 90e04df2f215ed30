// danekeeper dnssec status|rollover|ds ZONE: the DNSSEC keys danekeeper manages for a signed-file
// zone (zone/dnssec_keys): what each key is doing, what comes next and when, asking for a ZSK or
// KSK rollover, and the DS records to hand to the parent.
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "service/daemon/requests.h"
#include "service/runtime/runtime.h"
#include "service/signing/managed_keys.h"
#include "zone/dnssec_keys/ds.h"

namespace dk::cli {
namespace {

namespace dks = zone::dnssec_keys;

struct DnssecArgs {
    std::string sub;
    std::string zone;
    std::optional<dks::Role> role;
    bool json = false;
};

Result<DnssecArgs> parse_args(const VerbOptions& options) {
    const cxxopts::ParseResult& opts = options.result();
    const auto words = options.words();
    if (words.size() != 2 || (words[0] != "status" && words[0] != "rollover" && words[0] != "ds"))
        return Error::bad_input("dnssec: give status, rollover or ds, and a ZONE");
    DnssecArgs args{words[0], words[1], std::nullopt, opts.count("json") != 0};
    args.zone = lower(absolute_name(std::move(args.zone)));
    const bool zsk = opts.count("zsk") != 0;
    const bool ksk = opts.count("ksk") != 0;
    if (args.sub == "rollover" && zsk == ksk)
        return Error::bad_input("dnssec rollover: give exactly one of --zsk and --ksk");
    if (args.sub != "rollover" && (zsk || ksk))
        return Error::bad_input("dnssec " + args.sub + ": --zsk and --ksk belong to rollover");
    if (zsk || ksk) args.role = zsk ? dks::Role::zsk : dks::Role::ksk;
    return args;
}

std::string when(const std::optional<TimePoint>& t) {
    return t ? iso_time(*t) : std::string("-");
}

nlohmann::json key_json(const dks::KeyRecord& k) {
    nlohmann::json j{{"tag", k.tag},
                     {"algorithm", k.algorithm},
                     {"role", dks::role_name(k.role)},
                     {"state", dks::state_name(k.state)},
                     {"since", iso_time(k.state_since)},
                     {"created", iso_time(k.created)},
                     {"roll_requested", k.roll_requested}};
    if (k.activated) j["activated"] = iso_time(*k.activated);
    if (k.state_serial) j["state_serial"] = *k.state_serial;
    if (k.state_seen) j["state_seen_everywhere"] = iso_time(*k.state_seen);
    if (k.ds_seen) j["ds_at_every_parent_server"] = iso_time(*k.ds_seen);
    if (k.ds_gone) j["ds_gone_from_every_parent_server"] = iso_time(*k.ds_gone);
    return j;
}

int print_status(const service::ManagedKeys& keys, const DnssecArgs& args, const Clock& clock) {
    const auto plan = keys.plan(keys.observe(clock.now()));
    if (args.json) {
        nlohmann::json out{{"zone", args.zone},
                           {"keys", nlohmann::json::array()},
                           {"next", plan.reason},
                           {"next_due", iso_time(plan.next_due)},
                           {"fragile", plan.fragile}};
        for (const auto& k : keys.keys().keys) out["keys"].push_back(key_json(k));
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    std::printf("zone %s: %zu keys in %s\n", args.zone.c_str(), keys.keys().keys.size(),
                keys.store().dir().c_str());
    for (const auto& k : keys.keys().keys) {
        std::printf("  %s %5u alg %-2u %-12s since %s  seen everywhere %s%s%s\n",
                    std::string(dks::role_name(k.role)).c_str(), k.tag, k.algorithm,
                    std::string(dks::state_name(k.state)).c_str(), iso_time(k.state_since).c_str(),
                    when(k.state_seen).c_str(),
                    k.role == dks::Role::ksk ? ("  DS at parent " + when(k.ds_seen)).c_str() : "",
                    k.roll_requested ? "  (rollover requested)" : "");
    }
    std::printf("next: %s (by %s)%s\n", plan.reason.c_str(), iso_time(plan.next_due).c_str(),
                plan.fragile ? "; a key step is under way: TLSA changes wait" : "");
    return 0;
}

int print_ds(const service::ManagedKeys& keys, const DnssecArgs& args) {
    const auto owner = dks::owner_wire(args.zone);
    if (!owner.ok()) return fail(owner.error());
    int printed = 0;
    for (const auto& k : keys.keys().keys) {
        if (!dks::in_cds(k)) continue;
        auto ds = dks::ds_rdata(*owner, k.dnskey_rdata);
        if (!ds.ok()) return fail(ds.error());
        std::printf("%s IN DS %s\n", args.zone.c_str(), dks::ds_text(*ds).c_str());
        ++printed;
    }
    if (printed == 0) return fail(Error::check_failed("zone " + args.zone + " has no KSK yet"));
    return 0;
}

int request(const service::Runtime& rt, const DnssecArgs& args) {
    if (auto s = service::request_dnssec_rollover(rt.config, args.zone, *args.role); !s.ok())
        return fail(s.error());
    std::printf(
        "%s rollover of zone %s requested; the engine (danekeeper run, or the daemon) "
        "carries it out step by step\n",
        std::string(dks::role_name(*args.role)).c_str(), args.zone.c_str());
    return 0;
}

}  // namespace

int run_dnssec(const Invocation& inv) {
    VerbOptions options(inv, "danekeeper dnssec status|ds ZONE | dnssec rollover ZONE --zsk|--ksk");
    options.add()("zsk", "roll the zone-signing key (pre-publication)")(
        "ksk", "roll the key-signing key (double-DS through CDS/CDNSKEY)");
    options.json();
    options.positional();
    if (auto stop = options.parse()) return *stop;
    auto args = parse_args(options);
    if (!args.ok()) return fail(args.error());
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok()) return fail(rt.error());
    const config::ZoneConfig* zone = (*rt)->config.zone(args->zone);
    if (zone == nullptr)
        return fail(
            Error::bad_input("no zone named '" + args->zone + "' in " + (*rt)->config.source));
    auto keys = service::ManagedKeys::open((*rt)->store, (*rt)->config, *zone);
    if (!keys.ok()) return fail(keys.error());
    if (args->sub == "rollover") return request(**rt, *args);
    if (args->sub == "ds") return print_ds(*keys, *args);
    return print_status(*keys, *args, (*rt)->clock);
}

}  // namespace dk::cli
