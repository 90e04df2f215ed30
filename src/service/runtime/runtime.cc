#include "service/runtime/runtime.h"

#include <algorithm>
#include <map>

#include "base/privileges.h"
#include "service/keys/issuer_certificates.h"
#include "service/mtasts/policy_keeper.h"
#include "service/publish/batched_updates.h"
#include "service/signing/managed_keys.h"
#include "service/signing/parent_anchor.h"
#include "service/signing/signed_file_publisher.h"
#include "zone/resolver/authoritative.h"

namespace dk::service {

engine::SlotPolicy policy_for(const config::SlotConfig& slot) {
    engine::SlotPolicy p;
    p.margin = Seconds{slot.margin_seconds};
    p.renew_before = Seconds{static_cast<long long>(slot.renew_before_days) * 86400};
    p.rollover_every = Seconds{static_cast<long long>(slot.rollover_every_days) * 86400};
    p.certificates_delivered = slot.certificates == "hook";
    return p;
}

Result<std::unique_ptr<Runtime>> open_runtime(const std::optional<std::string>& config_path,
                                              Locking locking, const Clock& clock) {
    DK_TRY(config::Config config,
           config::load_config(config_path.value_or(config::default_config_path)));
    // Before any secret is read or anything written: a verb runs as the owner of state_dir, never
    // as root beside it (and reads the secrets that user owns, as the service does).
    DK_TRY_STATUS(privileges::act_as_owner_of(config.state_dir));
    DK_TRY_STATUS(config::check_files(config));
    DK_TRY_STATUS(check_issuer_certificates(config));
    DK_TRY_STATUS(db::check_state_dir(config.state_dir));  // readers too: it holds our keys
    std::optional<db::StateLock> lock;
    if (locking == Locking::exclusive) {
        DK_TRY(db::StateLock held, db::StateLock::acquire(config.state_dir));
        lock.emplace(std::move(held));
    }
    const std::string db_path = config.state_dir + "/state.db";
    DK_TRY(db::Store store, locking == Locking::reader ? db::Store::open_read_only(db_path)
                                                       : db::Store::open(db_path));
    return std::make_unique<Runtime>(std::move(config), std::move(lock), std::move(store), clock);
}

SlotRuntime::SlotRuntime(Runtime& runtime, const config::SlotConfig& slot)
    : runtime_(runtime), vault_(runtime.config.state_dir, slot) {
    setup_.slot = slot.name;
    setup_.endpoints = slot.endpoints;
    setup_.policy = policy_for(slot);
}

Result<std::unique_ptr<SlotRuntime>> SlotRuntime::build(Runtime& runtime,
                                                        const config::SlotConfig& slot) {
    const config::ZoneConfig* zone = runtime.config.zone(slot.zone);
    if (zone == nullptr)
        return Error::bad_input("slot " + slot.name + ": no [[zone]] for " + slot.zone);
    std::unique_ptr<SlotRuntime> r(new SlotRuntime(runtime, slot));
    DK_TRY(auto issuers, load_issuer_certificates(slot));
    r->setup_.policy.issuer_spki_sha256 = issuer_digests(issuers);
    r->setup_.policy.publish_command = config::publish_command(*zone);
    // MTA-STS senders in enforce mode authenticate these endpoints by WebPKI, not DANE.
    r->vault_.demand_webpki(webpki_demands(runtime.config, slot, runtime.clock.now()));
    if (zone->signed_file) {
        DK_TRY(std::unique_ptr<SignedFilePublisher> signed_file,
               SignedFilePublisher::create(runtime.config, *zone, runtime.clock, SetUp::allowed,
                                           &runtime.signing_holds));
        r->zone_publisher_ = &signed_file->files();
        r->publisher_adapter_ = std::move(signed_file);
    } else {
        DK_TRY(zone::TsigKey key, zone::load_tsig_key(zone->tsig_key_file, zone->tsig_key_name));
        r->publisher_ =
            std::make_unique<zone::Rfc2136Publisher>(zone::Rfc2136Options{zone->primary, key});
        r->zone_publisher_ = r->publisher_.get();
        auto updates =
            std::make_unique<DnsPublisherAdapter>(*r->publisher_, zone->name, zone->tlsa_ttl);
        r->updates_ = updates.get();
        r->publisher_adapter_ = std::move(updates);
    }
    zone::TlsaViewOptions view;
    view.zone = zone->name;
    view.trust_anchor_file = runtime.config.trust_anchor_file;
    view.vouched_ds = vouched_ksk_ds(runtime.store, *zone);
    if (zone->authoritative.empty()) {
        DK_TRY(zone::AuthoritativeServers found,
               zone::discover_authoritative(zone->primary, zone->name, view.transport,
                                            runtime.config.resolver));
        view.servers = std::move(found.servers);
        view.ns_names = std::move(found.ns_names);
        view.unresolved = std::move(found.unresolved);
    } else {
        view.servers = zone->authoritative;
        const bool has_primary =
            std::any_of(view.servers.begin(), view.servers.end(), [&](const HostPort& s) {
                return s.host == zone->primary.host && s.port == zone->primary.port;
            });
        if (!has_primary) view.servers.insert(view.servers.begin(), zone->primary);
    }
    // The primary first: its RRset is the one prerequisites are built from.
    std::stable_partition(view.servers.begin(), view.servers.end(), [&](const HostPort& s) {
        return s.host == zone->primary.host && s.port == zone->primary.port;
    });
    // Anchored at the parent: its validated DS, read again at every run (an unreadable anchor
    // file stops the slot).
    DK_TRY(const auto parent, anchor_at_parent(view, runtime.config, *zone, runtime.clock.now()));
    if (slot.certificates == "acme" && runtime.config.acme) {
        r->acme_ = std::make_unique<AcmeIssuer>(
            *runtime.config.acme, runtime.config.state_dir, *r->zone_publisher_, zone->name,
            view.servers, std::min<std::uint32_t>(zone->tlsa_ttl, 300), renewal_input_for(slot));
        r->acme_->set_unresolved_servers(view.unresolved);
        r->vault_.use_acme(r->acme_.get());
    }
    DK_TRY(zone::TlsaView tlsa_view, zone::TlsaView::create(view));
    r->view_ = std::make_unique<zone::TlsaView>(std::move(tlsa_view));
    if (slot.tlsa_owner) DK_TRY_STATUS(r->share_tlsa_owner(*zone, slot));
    r->dns_ = std::make_unique<DnsViewAdapter>(*r->view_, runtime.clock);
    if (parent) r->dns_->set_trust_problems(parent_trust_problems(*parent));
    r->book_ = std::make_unique<AddressBook>(slot.addresses, runtime.config.resolver);
    std::vector<SlotChains> chains;
    for (const auto& s : runtime.config.slots) chains.push_back({s.algorithm, s.endpoints});
    r->prober_ =
        std::make_unique<ProberAdapter>(*r->book_, probe::ProbeOptions{},
                                        handshake_family({slot.algorithm, slot.endpoints}, chains));
    return r;
}

// RFC 7671's shared owner: the slot's records at tlsa_owner, every endpoint owner a CNAME to it.
Status SlotRuntime::share_tlsa_owner(const config::ZoneConfig& zone,
                                     const config::SlotConfig& slot) {
    if (publisher_ == nullptr)
        return Error::bad_input("slot " + slot.name +
                                ": tlsa_owner needs an rfc2136 publisher, not signed-file");
    DK_TRY(std::string shared, zone::absolute_owner(*slot.tlsa_owner, zone.name));
    SharedOwnerOptions options{zone.name, shared, zone.tlsa_ttl,
                               runtime_.config.state_dir + "/shared-owner-" + slot.name + ".hold",
                               setup_.propagation_deadline};
    shared_link_ = std::make_unique<SharedOwnerLink>(*publisher_, *view_, std::move(options));
    static_cast<DnsPublisherAdapter&>(*publisher_adapter_).share_through(*shared_link_);
    return {};
}

Result<ZonePublisher> open_zone_publisher(const Runtime& runtime, const config::ZoneConfig& zone,
                                          SetUp set_up) {
    ZonePublisher p;
    if (zone.signed_file) {
        DK_TRY(p.signed_file, SignedFilePublisher::create(runtime.config, zone, runtime.clock,
                                                          set_up, &runtime.signing_holds));
        return p;
    }
    DK_TRY(zone::TsigKey key, zone::load_tsig_key(zone.tsig_key_file, zone.tsig_key_name));
    p.rfc2136 = std::make_unique<zone::Rfc2136Publisher>(zone::Rfc2136Options{zone.primary, key});
    return p;
}

engine::Ports SlotRuntime::ports() {
    return engine::Ports{*dns_,  *publisher_adapter_, *prober_,
                         vault_, runtime_.states,     runtime_.clock};
}

std::vector<std::optional<Result<std::string>>> publish_together(
    const std::vector<SlotPublish>& steps) {
    std::vector<std::optional<Result<std::string>>> answers(steps.size());
    std::map<std::string, std::vector<std::size_t>> by_zone;  // RFC 2136 steps
    for (std::size_t i = 0; i < steps.size(); ++i) {
        if (DnsPublisherAdapter* updates = steps[i].slot->updates())
            by_zone[updates->zone()].push_back(i);
        else
            answers[i] = steps[i].slot->ports().publisher.publish(*steps[i].changes);
    }
    for (const auto& [zone, indexes] : by_zone) {
        std::vector<zone::ZoneChange> changes;
        std::vector<std::size_t> sent;
        for (const std::size_t i : indexes) {
            auto change = steps[i].slot->updates()->change_for(*steps[i].changes);
            if (!change) {
                answers[i] = change.error();
                continue;
            }
            changes.push_back(std::move(*change));
            sent.push_back(i);
        }
        if (sent.empty()) continue;
        // Every slot of the zone updates the same primary with the same key: any one sends.
        auto results = apply_batched(steps[sent.front()].slot->updates()->publisher(), changes);
        for (std::size_t k = 0; k < sent.size(); ++k) {
            const DnsPublisherAdapter& updates = *steps[sent[k]].slot->updates();
            if (!results[k]) continue;
            answers[sent[k]] = *results[k] ? updates.answer(changes[k], **results[k])
                                           : Result<std::string>(results[k]->error());
        }
    }
    return answers;
}

}  // namespace dk::service
