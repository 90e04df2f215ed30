#include "service/signing/managed_keys.h"

#include <algorithm>

#include "service/signing/dnssec_key_rows.h"
#include "service/signing/parent_anchor.h"
#include "service/signing/signed_file_publisher.h"
#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/runner.h"
#include "zone/dnssec_keys/server_views.h"
#include "zone/dnssec_keys/transitions.h"
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

// Every authoritative server of the zone, and every configured parent server, asked directly;
// with [dns] parent_anchor_file, a parent server's DS counts only when it validates from it.
class ZoneServersObserver final : public dks::KeyObserver {
  public:
    ZoneServersObserver(const config::Config& config, const config::ZoneConfig& zone)
        : config_(config), zone_(zone) {}
    dks::KeyObservations observe(TimePoint now) override {
        dks::KeyObservations obs;
        obs.now = now;
        const zone::TransportOptions transport;
        obs.servers = dks::observe_dnskeys(zone_.authoritative, zone_.name, transport);
        const auto& parents = zone_.parent_servers;
        obs.parent_observed = !parents.empty() || parent_anchored(config_, zone_);
        if (obs.parent_observed) obs.parent = parent_ds(transport, now);
        return obs;
    }

  private:
    std::vector<dks::ParentServerDs> parent_ds(const zone::TransportOptions& transport,
                                               TimePoint now) const {
        if (!parent_anchored(config_, zone_))
            return dks::observe_parent_ds(zone_.parent_servers, zone_.name, transport);
        auto check = check_parent_of(config_, zone_, now);
        if (!check.ok()) {
            // An unreadable anchor proves nothing at any server: every one is unanswered.
            std::vector<dks::ParentServerDs> out;
            for (const auto& s : zone_.parent_servers)
                out.push_back({s.to_string(), false, check.error().message, {}, 0});
            if (out.empty())  // none configured: the parent's servers were not even found
                out.push_back({"the parent's servers", false, check.error().message, {}, 0});
            return out;
        }
        return dks::parent_views(**check);
    }
    const config::Config& config_;
    const config::ZoneConfig& zone_;
};

// New keys as BIND key files in the zone's key directory.
class KeyFileMaker final : public dks::KeyMaker {
  public:
    explicit KeyFileMaker(const dks::KeyStore& store) : store_(store) {}
    Result<dks::MadeKey> generate(dks::Role role, std::uint8_t algorithm,
                                  const std::vector<dks::KeyRecord>& taken,
                                  TimePoint now) override {
        DK_TRY(dks::KeyRecord made,
               store_.generate(static_cast<sign::Algorithm>(algorithm), role, taken, now));
        std::string file = store_.base_path(made) + ".key";
        return dks::MadeKey{std::move(made), std::move(file)};
    }
    void discard(const dks::MadeKey& made) override { store_.remove_files(made.record); }

  private:
    const dks::KeyStore& store_;
};

// Signs the signed-file zone with the selected keys, writes it and reloads the servers.
class SignedFileSigner final : public dks::ZoneSigner {
  public:
    SignedFileSigner(const ManagedKeys& keys, const config::Config& config,
                     const config::ZoneConfig& zone, const Clock& clock)
        : keys_(keys), config_(config), zone_(zone), clock_(clock) {}
    Result<std::uint32_t> sign(const dks::ZoneKeys& keys,
                               const dks::KeySelection& selection) override {
        DK_TRY(const SigningInput input, keys_.signing_input(keys, selection));
        return sign_zone_with(config_, zone_, clock_, input);
    }

  private:
    const ManagedKeys& keys_;
    const config::Config& config_;
    const config::ZoneConfig& zone_;
    const Clock& clock_;
};

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
    // A zone that is not signed-file has no keys to manage; it gets the schema's defaults.
    const config::SignedFileConfig unset;
    const auto& s = zone.signed_file ? *zone.signed_file : unset;
    dks::KeyPolicy p;
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
    return signing_input(keys_, dks::select_keys(keys_, owner));
}

Result<SigningInput> ManagedKeys::signing_input(const dks::ZoneKeys& keys,
                                                const dks::KeySelection& selection) const {
    SigningInput in;
    for (const auto& rdata : selection.dnskeys) {
        DK_TRY(sign::Dnskey key, sign::Dnskey::from_rdata(rdata));
        in.keys.publish.push_back(std::move(key));
    }
    auto load = [&](const dks::KeyRef& ref, std::vector<sign::SigningKey>& into) -> Status {
        const dks::KeyRecord* rec = find_key(keys, ref);
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
    return ZoneServersObserver(*config_, *zone_).observe(now);
}

dks::Plan ManagedKeys::plan(const dks::KeyObservations& obs) const {
    return dks::plan_keys(keys_, key_policy_for(*zone_), ttls_, obs);
}

Result<bool> ManagedKeys::request_rollover(dks::Role role, TimePoint now) {
    dks::ZoneKeys keys = keys_;
    if (!dks::request_rollover(keys, role)) return false;
    DK_TRY_STATUS(save_zone_keys(*db_, keys, now, "dnssec_rollover_requested",
                                 std::string(dks::role_name(role)) + " rollover requested"));
    keys_ = std::move(keys);
    return true;
}

Result<dks::Plan> ManagedKeys::advance(const Clock& clock) {
    ZoneServersObserver observer(*config_, *zone_);
    SqlKeyStateStore rows(*db_, zone_->name);
    SignedFileSigner signer(*this, *config_, *zone_, clock);
    KeyFileMaker maker(key_store_);
    dks::KeyPorts ports{observer, rows, signer, maker, clock};
    auto plan = dks::run_keys({zone_->name, key_policy_for(*zone_), ttls_}, ports);
    if (auto stored = rows.load(); stored.ok()) keys_ = std::move(*stored);
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

}  // namespace dk::service
