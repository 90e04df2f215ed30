// danekeeper mta-sts sync|check [--zone Z] [--json]: MTA-STS (RFC 8461) for the zones that
// enable it: the policy file and the _mta-sts TXT id kept in step with the validated MX RRset,
// and what senders will check (the policy over HTTPS, the MX certificates under WebPKI roots).
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "service/mtasts/policy_keeper.h"
#include "service/mtasts/sender_check.h"
#include "service/runtime/runtime.h"
#include "service/state/sql_state_store.h"

namespace dk::cli {
namespace {

struct MtaStsArgs {
    std::string sub;
    std::optional<std::string> zone;
    bool json = false;
};

Result<MtaStsArgs> parse_mta_sts_args(const VerbOptions& options) {
    const auto words = options.words();
    if (words.size() != 1 || (words[0] != "sync" && words[0] != "check"))
        return Error::bad_input("mta-sts: give sync or check");
    MtaStsArgs args{words[0], std::nullopt, options.given("json")};
    if (options.given("zone"))
        args.zone = absolute_name(lower(options.result()["zone"].as<std::string>()));
    return args;
}

// The zones with MTA-STS (the one named by --zone); bad_input when there is none.
Result<std::vector<const config::ZoneConfig*>> chosen_zones(
    const config::Config& c, const std::optional<std::string>& zone) {
    std::vector<const config::ZoneConfig*> zones;
    for (const auto& z : c.zones) {
        if (z.mta_sts && (!zone || z.name == *zone)) zones.push_back(&z);
    }
    if (zones.empty())
        return Error::bad_input(c.source + ": " +
                                (zone ? "zone " + *zone + " has no mta_sts_mode"
                                      : std::string("no [[zone]] sets mta_sts_mode")));
    return zones;
}

int sync(service::Runtime& rt, const std::vector<const config::ZoneConfig*>& zones, bool json) {
    int worst = 0;
    nlohmann::json out = nlohmann::json::array();
    for (const auto* zone : zones) {
        auto publisher = service::open_zone_publisher(rt, *zone);
        auto kept = publisher.ok()
                        ? service::keep_mta_sts(*zone, *rt.config.resolver, publisher->get(),
                                                rt.config.state_dir, rt.clock.now())
                        : Result<service::MtaStsKept>(publisher.error());
        if (!kept.ok()) {
            worst = std::max(
                worst, fail(Error{kept.error().kind, "mta-sts sync " + relative_name(zone->name) +
                                                         ": " + kept.error().message}));
            continue;
        }
        if (json) {
            out.push_back({{"domain", kept->domain},
                           {"id", kept->id},
                           {"policy_file", zone->mta_sts->policy_file},
                           {"policy_written", kept->policy_written},
                           {"txt_changed", kept->txt_changed},
                           {"policy", kept->policy_text}});
            continue;
        }
        std::printf("%s: policy %s (%s, id %s); %s TXT %s\n", kept->domain.c_str(),
                    kept->policy_written ? "written" : "unchanged",
                    zone->mta_sts->policy_file.c_str(), kept->id.c_str(),
                    service::mta_sts_owner(zone->name).c_str(),
                    kept->txt_changed ? ("published: " + kept->update).c_str() : "unchanged");
    }
    if (json) std::printf("%s\n", out.dump(2).c_str());
    return worst;
}

// Each slot's chain waiting for deployment (next or renewal) judged as MTA-STS senders would:
// refused while a policy is (or may be held as) enforce, a warning in testing mode.
void lint_pending_chains(service::Runtime& rt, std::vector<service::MtaStsReport>& reports) {
    const TimePoint now = rt.clock.now();
    for (const auto& slot : rt.config.slots) {
        auto state = rt.states.load(slot.name);
        if (!state.ok() || !*state) continue;
        const engine::SlotState& s = **state;
        const engine::SlotKey* pending = nullptr;
        if (s.next && s.next_cert_not_after && !s.next_deployed) pending = &*s.next;
        if (!pending && s.current && s.renewal_cert_not_after) pending = &*s.current;
        if (pending == nullptr) continue;
        service::FileKeyVault vault(rt.config.state_dir, slot);
        vault.demand_webpki(service::webpki_demands(rt.config, slot, now));
        const auto enforced = vault.sender_refusals(slot.name, *pending);
        vault.demand_webpki(
            service::webpki_demands(rt.config, slot, now, service::MtaStsScope::testing_too));
        const std::set<std::string> refused(enforced.begin(), enforced.end());
        for (auto& r : reports) {
            for (const auto& line : enforced)
                r.findings.push_back({"pending-chain", slot.name, service::MtaStsOutcome::failure,
                                      "the rollover refuses to deploy it: " + line});
            for (const auto& line : vault.sender_refusals(slot.name, *pending)) {
                if (refused.count(line) == 0)
                    r.findings.push_back(
                        {"pending-chain", slot.name, service::MtaStsOutcome::warning, line});
            }
            break;  // each line names its domain: reported once
        }
    }
}

int check(service::Runtime& rt, const std::vector<const config::ZoneConfig*>& zones, bool json) {
    std::vector<service::MtaStsReport> reports;
    for (const auto* zone : zones)
        reports.push_back(service::check_mta_sts(*zone, *rt.config.resolver));
    lint_pending_chains(rt, reports);
    const auto verdict = service::overall(reports);
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : reports) {
            nlohmann::json findings = nlohmann::json::array();
            for (const auto& f : r.findings)
                findings.push_back({{"check", f.check},
                                    {"where", f.where},
                                    {"outcome", std::string(service::to_string(f.outcome))},
                                    {"detail", f.detail}});
            out.push_back(
                {{"domain", r.domain}, {"mode", r.mode}, {"id", r.id}, {"findings", findings}});
        }
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        for (const auto& r : reports) {
            for (const auto& f : r.findings)
                std::printf("%s %s %s %s: %s\n", r.domain.c_str(),
                            std::string(service::to_string(f.outcome)).c_str(), f.check.c_str(),
                            printable(f.where).c_str(), printable(f.detail).c_str());
        }
        std::printf("mta-sts: %s\n", std::string(service::to_string(verdict)).c_str());
    }
    switch (verdict) {
        case service::MtaStsOutcome::failure:
            return to_int(ExitCode::check_failed);
        case service::MtaStsOutcome::unknown:
            return to_int(ExitCode::environment);
        default:
            return 0;
    }
}

}  // namespace

int run_mta_sts(const Invocation& inv) {
    VerbOptions options(inv,
                        "MTA-STS (RFC 8461): mta-sts sync writes the policy file and bumps the "
                        "_mta-sts TXT id; mta-sts check checks what senders check (exit 0 ok or "
                        "warnings, 1 a failure, 2 bad input, 3 environment)");
    options.add()("zone", "only this zone", cxxopts::value<std::string>());
    options.json();
    options.positional("sync|check");
    if (auto stop = options.parse()) return *stop;
    auto args = parse_mta_sts_args(options);
    if (!args.ok()) return fail(args.error());
    // sync writes the zone and the policy file: the state lock keeps it from writing beside a
    // running daemon or run.
    auto rt = service::open_runtime(inv.globals.config_path, args->sub == "sync"
                                                                 ? service::Locking::exclusive
                                                                 : service::Locking::reader);
    if (!rt.ok()) return fail(rt.error());
    if (!(*rt)->config.resolver)
        return fail(Error::bad_input((*rt)->config.source +
                                     ": mta-sts needs [dns] resolver (the MX RRset senders see)"));
    auto zones = chosen_zones((*rt)->config, args->zone);
    if (!zones.ok()) return fail(zones.error());
    return args->sub == "sync" ? sync(**rt, *zones, args->json) : check(**rt, *zones, args->json);
}

}  // namespace dk::cli
