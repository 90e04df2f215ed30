#include "simulated_world.h"

#include <algorithm>
#include <chrono>

#include "engine/safety.h"

namespace dk::engine::testing {
namespace {

TlsaRecord record_of(const Bytes& spki) {
    return TlsaRecord{3, 1, 1, spki};
}

bool overlaps_cache_window(TimePoint from, std::optional<TimePoint> until, TimePoint now,
                           Seconds ttl) {
    return from <= now && (!until || *until > now - ttl);
}

}  // namespace

SimulatedWorld::SimulatedWorld(std::uint32_t seed, Faults faults, Seconds ttl, TimePoint start,
                               const SlotKey& initial_key, std::vector<std::string> owners,
                               int endpoints)
    : rng_(seed), faults_(faults), ttl_(ttl), now_(start) {
    const TimePoint long_ago = start - std::chrono::hours(24);
    for (const auto& owner : owners) {
        dns_[owner].push_back(DnsVersion{long_ago, long_ago, {record_of(initial_key.spki_sha256)}});
    }
    presented_.assign(static_cast<std::size_t>(endpoints), initial_key.spki_sha256);
    reverted_until_.assign(static_cast<std::size_t>(endpoints), TimePoint{});
    deployed_ = initial_key.spki_sha256;
    issued_for_ = initial_key.spki_sha256;
}

const std::set<TlsaRecord>& SimulatedWorld::latest(const std::string& owner) const {
    return dns_.at(owner).back().rrset;
}

void SimulatedWorld::set_rrset(const std::string& owner, std::set<TlsaRecord> rrset) {
    auto& versions = dns_[owner];
    const bool slow = chance(faults_.server_lags);
    const Seconds lag{slow ? std::uniform_int_distribution<>(120, 600)(rng_)
                           : std::uniform_int_distribution<>(0, 3)(rng_)};
    // The secondary applies changes in order (IXFR): never before the previous one.
    const TimePoint secondary = std::max(now_ + lag, versions.back().secondary_from);
    versions.push_back(DnsVersion{now_, secondary, std::move(rrset)});
}

std::vector<const DnsVersion*> SimulatedWorld::cacheable_versions(const std::string& owner) const {
    std::vector<const DnsVersion*> out;
    const auto& versions = dns_.at(owner);
    for (std::size_t i = 0; i < versions.size(); ++i) {
        std::optional<TimePoint> primary_until;
        std::optional<TimePoint> secondary_until;
        if (i + 1 < versions.size()) {
            primary_until = versions[i + 1].primary_from;
            secondary_until = versions[i + 1].secondary_from;
        }
        if (overlaps_cache_window(versions[i].primary_from, primary_until, now_, ttl_) ||
            overlaps_cache_window(versions[i].secondary_from, secondary_until, now_, ttl_)) {
            out.push_back(&versions[i]);
        }
    }
    return out;
}

Observations SimulatedWorld::observe(const SlotState& state) {
    Observations obs;
    obs.now = now_;
    for (const auto& [name, versions] : dns_) {
        OwnerView view;
        view.owner = name;
        view.at_primary.assign(versions.back().rrset.begin(), versions.back().rrset.end());
        view.propagated = versions.back().secondary_from <= now_;
        view.validated = view.propagated;
        view.ttl_max = ttl_;
        obs.owners.push_back(std::move(view));
    }
    const auto& first_owner = dns_.begin()->second.back().rrset;
    for (std::size_t i = 0; i < presented_.size(); ++i) {
        EndpointView ep;
        ep.endpoint = "mx" + std::to_string(i) + ":25";
        ep.address = "192.0.2." + std::to_string(i + 1);
        if (!chance(faults_.probe_flakes)) {
            ep.reachable = true;
            ep.leaf_spki_sha256 = presented(i);
            ep.dane_ok = first_owner.count(record_of(presented(i))) > 0;
        }
        obs.endpoints.push_back(std::move(ep));
    }
    if (state.next && state.next_cert_not_after) {
        obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(*state.next)};
    } else if (state.current && state.renewal_cert_not_after) {
        obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(*state.current)};
    }
    obs.served_chain_matches = std::vector<TlsaRecord>{record_of(deployed_)};
    return obs;
}

bool SimulatedWorld::apply_update(const std::string& owner,
                                  const std::vector<TlsaChange>& changes) {
    std::set<TlsaRecord> rrset = latest(owner);
    const std::set<TlsaRecord> expected(changes.front().expected.begin(),
                                        changes.front().expected.end());
    if (rrset != expected) return false;  // prerequisite failed: someone else changed it
    for (const auto& c : changes) {
        if (c.op == ChangeOp::add) rrset.insert(c.record);
        if (c.op == ChangeOp::remove) rrset.erase(c.record);
    }
    set_rrset(owner, std::move(rrset));
    return true;
}

std::optional<Outcome> SimulatedWorld::execute(const Action& action, const SlotState& state) {
    Outcome outcome;
    switch (action.kind) {
        case ActionKind::generate_next_key: {
            SlotKey k;
            k.id = "k" + std::to_string(next_key_tag_++);
            k.spki_sha256.resize(32);
            for (auto& b : k.spki_sha256) b = static_cast<std::uint8_t>(rng_());
            k.created_at = now_;
            outcome.new_key = k;
            return outcome;
        }
        case ActionKind::publish: {
            if (chance(faults_.publish_fails)) return std::nullopt;
            std::map<std::string, std::vector<TlsaChange>> by_owner;
            for (const auto& c : action.changes) by_owner[c.owner].push_back(c);
            bool all_ok = true;
            for (const auto& [owner, changes] : by_owner) {
                if (chance(faults_.concurrent_edit)) {  // another tool adds its own record first
                    auto edited = latest(owner);
                    Bytes other(32);
                    for (auto& b : other) b = static_cast<std::uint8_t>(rng_());
                    edited.insert(record_of(other));
                    set_rrset(owner, std::move(edited));
                }
                all_ok = apply_update(owner, changes) && all_ok;
            }
            if (!all_ok) return std::nullopt;
            return outcome;
        }
        case ActionKind::request_certificate:
            if (chance(faults_.issue_fails)) return std::nullopt;
            issued_for_ = action.for_next ? state.next->spki_sha256 : state.current->spki_sha256;
            outcome.cert_not_after = now_ + std::chrono::hours(24 * 90);
            return outcome;
        case ActionKind::deploy: {
            const Bytes& key =
                action.for_next ? state.next->spki_sha256 : state.current->spki_sha256;
            if (issued_for_ != key) return std::nullopt;  // the shell refuses: no certificate
            deployed_ = key;
            for (auto& presented : presented_) {
                if (!chance(faults_.reload_fails)) presented = key;
            }
            return outcome;
        }
        case ActionKind::complete_switch:
            ++switches_;
            if (chance(faults_.revert)) {  // a config tool restores the old files on one MX
                old_key_ = state.current->spki_sha256;
                const auto i =
                    std::uniform_int_distribution<std::size_t>(0, presented_.size() - 1)(rng_);
                reverted_until_[i] = now_ + Seconds{std::uniform_int_distribution<>(10, 300)(rng_)};
            }
            return outcome;
        default:
            return outcome;
    }
}

const Bytes& SimulatedWorld::presented(std::size_t endpoint) const {
    return now_ < reverted_until_[endpoint] ? old_key_ : presented_[endpoint];
}

std::string SimulatedWorld::invariant_violation() const {
    for (std::size_t i = 0; i < presented_.size(); ++i) {
        const TlsaRecord needed = record_of(presented(i));
        for (const auto& [owner, versions] : dns_) {
            for (const DnsVersion* v : cacheable_versions(owner)) {
                if (v->rrset.count(needed) == 0) {
                    return "endpoint " + std::to_string(i) +
                           " presents a key missing from a cacheable RRset at " + owner +
                           " (version from " + std::to_string(unix_seconds(v->primary_from)) + ")";
                }
            }
        }
    }
    return {};
}

}  // namespace dk::engine::testing
