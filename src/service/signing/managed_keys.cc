#include "service/signing/managed_keys.h"

#include <unistd.h>

#include <algorithm>

#include "base/log.h"
#include "base/strings.h"
#include "service/signing/dnssec_key_rows.h"
#include "service/signing/signed_file_publisher.h"
#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/server_views.h"
#include "zone/sign/wire.h"
#include "zone/sign/zone_reader.h"

namespace dk::service {
namespace {

namespace dks = zone::dnssec_keys;
namespace sign = zone::sign;

const dks::KeyRecord* find_key(const dks::ZoneKeys& keys, const dks::KeyRef& ref) {
    for (const auto& k : keys.keys) {
        if (k.tag == ref.tag && k.algorithm == ref.algorithm) return &k;
    }
    return nullptr;
}

// SOA MINIMUM: the last 32 bits of the SOA RDATA.
std::uint32_t soa_minimum(const std::string& rdata) {
    return rdata.size() >= 4 ? sign::get32(rdata, rdata.size() - 4) : 0;
}

}  // namespace

bool keys_managed(const config::ZoneConfig& zone) {
    return zone.signed_file && !zone.signed_file->keys_dir;
}

std::vector<std::string> vouched_ksk_ds(db::Store& store, const config::ZoneConfig& zone) {
    std::vector<std::string> out;
    if (!keys_managed(zone)) return out;
    auto keys = load_zone_keys(store, zone.name);
    const auto owner = dks::owner_wire(zone.name);
    if (!keys.ok() || !owner.ok()) return out;
    for (const auto& k : keys->keys) {
        if (k.role != dks::Role::ksk || !k.ds_seen) continue;
        auto ds = dks::ds_rdata(*owner, k.dnskey_rdata);
        if (ds.ok()) out.push_back(zone.name + " IN DS " + dks::ds_text(*ds));
    }
    return out;
}

dks::KeyPolicy key_policy_for(const config::ZoneConfig& zone) {
    dks::KeyPolicy p;
    if (!zone.signed_file) return p;
    const auto& s = *zone.signed_file;
    p.algorithm = static_cast<std::uint8_t>(
        sign::parse_algorithm(s.algorithm).value_or(sign::Algorithm::ecdsap256sha256));
    p.zsk_lifetime = Seconds{s.keys.zsk_lifetime_days * 86400LL};
    p.ksk_lifetime = Seconds{s.keys.ksk_lifetime_days * 86400LL};
    p.publish_safety = Seconds{s.keys.publish_safety_seconds};
    p.retire_safety = Seconds{s.keys.retire_safety_seconds};
    p.default_ds_ttl = Seconds{s.keys.ds_ttl};
    p.poll = Seconds{std::clamp(s.keys.publish_safety_seconds / 10, 1, 60)};
    return p;
}

Result<dks::ZoneTtls> zone_ttls(const config::ZoneConfig& zone) {
    sign::ReadOptions read;
    read.source = zone.signed_file->unsigned_file;
    read.origin = zone.name;
    DK_TRY(const auto records, sign::read_zone_file(zone.signed_file->unsigned_file, read));
    DK_TRY(const sign::WireName origin, sign::wire_origin(zone.name));
    std::optional<sign::Record> soa;
    std::uint32_t longest = zone.tlsa_ttl;
    for (const auto& r : records) {
        longest = std::max(longest, r.ttl);
        if (r.type == sign::type_soa && r.owner == origin) soa = r;
    }
    if (!soa) return Error::bad_input(read.source + ": no SOA record at " + zone.name);
    dks::ZoneTtls ttls;
    ttls.dnskey_ttl = Seconds{soa->ttl};
    ttls.max_zone_ttl = Seconds{longest};
    ttls.negative_ttl = Seconds{std::min(soa->ttl, soa_minimum(soa->rdata))};
    return ttls;
}

std::string dnssec_request_path(const config::Config& config, const std::string& zone,
                                dks::Role role) {
    return config.state_dir + "/requests/dnssec." + relative_name(zone) + "." +
           std::string(dks::role_name(role));
}

Result<ManagedKeys> ManagedKeys::open(db::Store& store, const config::Config& config,
                                      const config::ZoneConfig& zone) {
    if (!keys_managed(zone))
        return Error::bad_input("zone " + zone.name +
                                ": danekeeper manages DNSSEC keys only for signed-file zones "
                                "without keys_dir");
    DK_TRY(dks::KeyStore key_store,
           dks::KeyStore::open(dks::key_directory(config.state_dir, zone.name), zone.name));
    DK_TRY(dks::ZoneKeys keys, load_zone_keys(store, zone.name));
    DK_TRY(const dks::ZoneTtls ttls, zone_ttls(zone));
    return ManagedKeys(store, config, zone, std::move(key_store), std::move(keys), ttls);
}

Result<SigningInput> ManagedKeys::signing_input() const {
    DK_TRY(const std::string owner, dks::owner_wire(zone_->name));
    return signing_input(dks::select_keys(keys_, owner));
}

Result<SigningInput> ManagedKeys::signing_input(const dks::KeySelection& selection) const {
    SigningInput in;
    for (const auto& rdata : selection.dnskeys) {
        DK_TRY(sign::Dnskey key, sign::Dnskey::from_rdata(rdata));
        in.keys.publish.push_back(std::move(key));
    }
    auto load = [&](const dks::KeyRef& ref, std::vector<sign::SigningKey>& into) -> Status {
        const dks::KeyRecord* rec = find_key(keys_, ref);
        if (rec == nullptr)
            return Error::environment(zone_->name + ": no record of key " +
                                      std::to_string(ref.tag));
        DK_TRY(sign::SigningKey key, key_store_.load(*rec));
        into.push_back(std::move(key));
        return {};
    };
    for (const auto& ref : selection.zone_signers) DK_TRY_STATUS(load(ref, in.keys.zone_signing));
    for (const auto& ref : selection.key_signers) DK_TRY_STATUS(load(ref, in.keys.key_signing));
    DK_TRY(const sign::WireName owner, sign::wire_origin(zone_->name));
    const auto ttl = static_cast<std::uint32_t>(ttls_.dnskey_ttl.count());
    for (const auto& cds : selection.cds) in.extra.push_back({owner, sign::type_cds, ttl, cds, 0});
    for (const auto& key : selection.cdnskey)
        in.extra.push_back({owner, sign::type_cdnskey, ttl, key, 0});
    return in;
}

dks::KeyObservations ManagedKeys::observe(TimePoint now) const {
    dks::KeyObservations obs;
    obs.now = now;
    const zone::TransportOptions transport;
    obs.servers = dks::observe_dnskeys(zone_->authoritative, zone_->name, transport);
    const auto& parents = zone_->signed_file->keys.parent_servers;
    obs.parent_observed = !parents.empty();
    if (obs.parent_observed) obs.parent = dks::observe_parent_ds(parents, zone_->name, transport);
    return obs;
}

dks::Plan ManagedKeys::plan(const dks::KeyObservations& obs) const {
    return dks::plan_keys(keys_, key_policy_for(*zone_), ttls_, obs);
}

Status ManagedKeys::save(const dks::ZoneKeys& keys, TimePoint at, const std::string& kind,
                         const std::string& details, std::optional<std::uint32_t> serial) {
    DK_TRY_STATUS(save_zone_keys(*db_, keys, at, kind, details, serial));
    keys_ = keys;
    return {};
}

Status ManagedKeys::take_requests(TimePoint now) {
    for (const auto role : {dks::Role::zsk, dks::Role::ksk}) {
        const std::string path = dnssec_request_path(*config_, zone_->name, role);
        if (::access(path.c_str(), F_OK) != 0) continue;
        dks::ZoneKeys keys = keys_;
        if (dks::request_rollover(keys, role)) {
            DK_TRY_STATUS(save(keys, now, "dnssec_rollover_requested",
                               std::string(dks::role_name(role)) + " rollover requested"));
            log::info("dnssec.rollover_requested",
                      {{"zone", zone_->name}, {"role", dks::role_name(role)}});
        } else {
            log::warn("dnssec.rollover_request_ignored",
                      {{"zone", zone_->name},
                       {"role", dks::role_name(role)},
                       {"reason", "no active key of that role yet"}});
        }
        ::unlink(path.c_str());
    }
    return {};
}

Result<dks::Plan> ManagedKeys::advance(const ZoneSigner& sign, const Clock& clock) {
    DK_TRY_STATUS(take_requests(clock.now()));
    dks::Plan plan;
    for (int round = 0; round < 8; ++round) {
        plan = this->plan(observe(clock.now()));
        const TimePoint now = clock.now();
        if (plan.generate) {
            const auto algorithm = static_cast<sign::Algorithm>(plan.generate_algorithm);
            DK_TRY(dks::KeyRecord made,
                   key_store_.generate(algorithm, *plan.generate, plan.observed.keys, now));
            dks::ZoneKeys next = plan.observed;
            next.keys.push_back(made);
            const std::string file = key_store_.base_path(made) + ".key";
            DK_TRY_STATUS(
                save(next, now, "dnssec_key_generated", dks::describe(made) + " " + file));
            log::info("dnssec.key_generated",
                      {{"zone", zone_->name}, {"key", dks::describe(made)}, {"file", file}});
            continue;
        }
        if (plan.sign) {
            auto input = signing_input(plan.selection);
            auto serial = input.ok() ? sign(*input) : Result<std::uint32_t>(input.error());
            if (!serial.ok()) {
                // The old keys stay: only what the observations proved is kept.
                if (plan.observed != keys_)
                    DK_TRY_STATUS(save(plan.observed, now, "dnssec_observed", plan.reason));
                log::error("dnssec.sign_failed", {{"zone", zone_->name},
                                                  {"steps", join(plan.steps, "; ")},
                                                  {"error", serial.error().message}});
                return serial.error();
            }
            DK_TRY_STATUS(save(dks::commit_signed(plan.next, *serial), now, "dnssec_key_step",
                               join(plan.steps, "; "), *serial));
        } else if (plan.next != keys_) {
            DK_TRY_STATUS(save(plan.next, now,
                               plan.steps.empty() ? "dnssec_observed" : "dnssec_key_step",
                               plan.steps.empty() ? plan.reason : join(plan.steps, "; ")));
        }
        for (const auto& step : plan.steps)
            log::info("dnssec.key_step", {{"zone", zone_->name}, {"step", step}});
        if (plan.steps.empty()) break;
    }
    log::debug("dnssec.waiting", {{"zone", zone_->name},
                                  {"reason", plan.reason},
                                  {"next", iso_time(plan.next_due)},
                                  {"fragile", plan.fragile ? "yes" : "no"}});
    return plan;
}

Result<SigningInput> committed_signing_input(const config::Config& config,
                                             const config::ZoneConfig& zone) {
    DK_TRY(db::Store store, db::Store::open(config.state_dir + "/state.db"));
    DK_TRY(const ManagedKeys keys, ManagedKeys::open(store, config, zone));
    if (keys.keys().keys.empty())
        return Error::environment("zone " + zone.name +
                                  ": no DNSSEC keys yet (danekeeper run makes them)");
    return keys.signing_input();
}

std::vector<std::string> advance_managed_zones(db::Store& store, const config::Config& config,
                                               const Clock& clock, TimePoint* wake) {
    std::vector<std::string> fragile;
    for (const auto& zone : config.zones) {
        if (!keys_managed(zone)) continue;
        auto keys = ManagedKeys::open(store, config, zone);
        const ZoneSigner signer = [&](const SigningInput& input) {
            return sign_zone_with(config, zone, clock, input);
        };
        auto plan = keys.ok() ? keys->advance(signer, clock) : Result<dks::Plan>(keys.error());
        if (!plan.ok()) {
            log::error("dnssec.step_failed",
                       {{"zone", zone.name}, {"error", plan.error().message}});
            fragile.push_back(zone.name);  // unknown: hold TLSA changes until it works again
            if (wake != nullptr) *wake = std::min(*wake, clock.now() + Seconds{30});
            continue;
        }
        if (plan->fragile) fragile.push_back(zone.name);
        if (wake != nullptr) *wake = std::min(*wake, plan->next_due);
    }
    return fragile;
}

}  // namespace dk::service
