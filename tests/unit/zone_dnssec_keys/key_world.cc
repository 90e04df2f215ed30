#include "key_world.h"

#include <algorithm>

#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/transitions.h"
#include "zone/sign/dnssec_key.h"

namespace dk::zone::dnssec_keys::testing {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
    return std::find(list.begin(), list.end(), item) != list.end();
}

// Signatures over ordinary RRsets: the ZSKs, or the KSKs when there is no ZSK (as the signer does).
std::vector<std::uint16_t> data_signers(const KeySelection& k) {
    std::vector<std::uint16_t> tags;
    for (const auto& r : k.zone_signers.empty() ? k.key_signers : k.zone_signers)
        tags.push_back(r.tag);
    return tags;
}

bool dnskey_has_tag(const KeySelection& k, std::uint16_t tag) {
    return std::any_of(k.dnskeys.begin(), k.dnskeys.end(),
                       [&](const std::string& d) { return sign::key_tag(d) == tag; });
}

}  // namespace

KeyWorld::KeyWorld(WorldConfig config, TimePoint start)
    : config_(std::move(config)),
      owner_(owner_wire(config_.zone).value()),
      now_(start),
      next_scan_(start) {
    server_down.assign(config_.server_lags.size(), false);
    parent_down.assign(config_.parent_lags.size(), false);
    parent_ds_.push_back({start - Seconds{86400}, {}});  // the zone starts insecure
}

void KeyWorld::advance(Seconds d) {
    const TimePoint target = now_ + d;
    while (next_scan_ <= target) {
        now_ = next_scan_;
        scan_cds();
        next_scan_ += config_.parent_scan;
    }
    now_ = target;
    since_boot_ += d;
}

// The parent's CDS scanner (RFC 7344 4, RFC 8078 3): the DS RRset becomes what the child's
// primary lists in CDS; an empty CDS RRset changes nothing.
void KeyWorld::scan_cds() {
    if (versions_.empty()) return;
    const auto& cds = versions_.back().second.keys.cds;
    if (!cds.empty() && cds != parent_ds_.back().second) parent_ds_.push_back({now_, cds});
}

Result<MadeKey> KeyWorld::generate(Role role, std::uint8_t /*algorithm*/,
                                   const std::vector<KeyRecord>& taken, TimePoint now) {
    while (true) {
        ++key_counter_;
        std::string rdata;
        rdata.push_back(1);
        rdata.push_back(role == Role::ksk ? 1 : 0);  // flags 257 or 256
        rdata.push_back(3);
        rdata.push_back(13);
        for (unsigned i = 0; i < 64; ++i)
            rdata.push_back(static_cast<char>((key_counter_ * 131 + i * 7 + i * i) & 0xff));
        const std::uint16_t tag = sign::key_tag(rdata);
        const bool clash = std::any_of(taken.begin(), taken.end(),
                                       [&](const KeyRecord& k) { return k.tag == tag; });
        if (!clash)
            return MadeKey{new_key_record(tag, 13, role, rdata, now),
                           "K" + config_.zone + "+013+" + std::to_string(tag) + ".key"};
    }
}

Result<std::uint32_t> KeyWorld::sign(const ZoneKeys& keys, const KeySelection& selection) {
    // Like the real signer, it can sign only with keys whose records it is given.
    for (const auto* signers : {&selection.zone_signers, &selection.key_signers}) {
        for (const auto& ref : *signers) {
            if (std::none_of(keys.keys.begin(), keys.keys.end(),
                             [&](const KeyRecord& k) { return k.tag == ref.tag; }))
                return Error::environment("signer: no record of key " + std::to_string(ref.tag));
        }
    }
    if (sign_fails) {
        ++failed_signings;
        return Error::environment("signer: fault injected");
    }
    ++signings;
    ++serial_;
    versions_.push_back({now_, Version{serial_, selection}});
    return serial_;
}

KeyObservations KeyWorld::observe(TimePoint now) {
    KeyObservations obs;
    obs.now = now;
    obs.parent_observed = !config_.parent_lags.empty();
    for (std::size_t i = 0; i < config_.server_lags.size(); ++i) {
        ServerKeys s;
        s.server = "server" + std::to_string(i);
        if (server_down[i]) {
            s.problem = "timeout";
            obs.servers.push_back(s);
            continue;
        }
        s.answered = true;
        s.serial = 1000;  // the unsigned zone before our first signing
        for (const auto& [at, v] : versions_) {
            if (at + config_.server_lags[i] > now_) break;
            s.serial = v.serial;
            s.dnskeys = v.keys.dnskeys;
        }
        s.dnskey_ttl = static_cast<std::uint32_t>(config_.ttls.dnskey_ttl.count());
        obs.servers.push_back(s);
    }
    for (std::size_t i = 0; i < config_.parent_lags.size(); ++i) {
        ParentServerDs p;
        p.server = "parent" + std::to_string(i);
        if (parent_down[i]) {
            p.problem = "timeout";
            obs.parent.push_back(p);
            continue;
        }
        p.answered = true;
        for (const auto& [at, ds] : parent_ds_) {
            if (at + config_.parent_lags[i] > now_) break;
            p.ds = ds;
        }
        p.ttl = p.ds.empty() ? 0 : static_cast<std::uint32_t>(config_.ds_ttl.count());
        obs.parent.push_back(p);
    }
    return obs;
}

std::vector<std::size_t> KeyWorld::versions_served(TimePoint from, TimePoint to) const {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < versions_.size(); ++k) {
        for (const auto lag : config_.server_lags) {
            const TimePoint begin = versions_[k].first + lag;
            const bool ends = k + 1 < versions_.size();
            const TimePoint end = ends ? versions_[k + 1].first + lag : TimePoint::max();
            if (begin <= to && end > from) {
                out.push_back(k);
                break;
            }
        }
    }
    return out;
}

std::vector<std::size_t> KeyWorld::ds_sets_served(TimePoint from, TimePoint to) const {
    std::vector<std::size_t> out;
    for (std::size_t k = 0; k < parent_ds_.size(); ++k) {
        for (const auto lag : config_.parent_lags) {
            const TimePoint begin = parent_ds_[k].first + lag;
            const bool ends = k + 1 < parent_ds_.size();
            const TimePoint end = ends ? parent_ds_[k + 1].first + lag : TimePoint::max();
            if (begin <= to && end > from) {
                out.push_back(k);
                break;
            }
        }
    }
    return out;
}

std::string KeyWorld::check_validation() const {
    const auto& ttls = config_.ttls;
    const Seconds ttl_sig = std::max(ttls.max_zone_ttl, ttls.negative_ttl);
    const auto ds_sets = ds_sets_served(now_ - config_.ds_ttl, now_);
    const auto dnskey_versions = versions_served(now_ - ttls.dnskey_ttl, now_);
    const auto data_versions = versions_served(now_ - ttl_sig, now_);
    for (const auto d : ds_sets) {
        const auto& ds = parent_ds_[d].second;
        if (ds.empty()) continue;  // insecure for this resolver
        if (dnskey_versions.empty()) return "a DS is served but no signed zone";
        for (const auto k : dnskey_versions) {
            const auto& keys = versions_[k].second.keys;
            const bool anchored = std::any_of(
                keys.dnskeys.begin(), keys.dnskeys.end(), [&](const std::string& rdata) {
                    const auto tag = sign::key_tag(rdata);
                    const bool signs_dnskey =
                        std::any_of(keys.key_signers.begin(), keys.key_signers.end(),
                                    [&](const KeyRef& r) { return r.tag == tag; });
                    const bool has_ds = std::any_of(ds.begin(), ds.end(), [&](const auto& one) {
                        return ds_matches(one, owner_, rdata);
                    });
                    return signs_dnskey && has_ds;
                });
            if (!anchored)
                return "DNSKEY RRset of serial " + std::to_string(versions_[k].second.serial) +
                       " matches no DS of a DS RRset still cached";
            for (const auto v : data_versions) {
                const auto tags = data_signers(versions_[v].second.keys);
                const bool ok = std::any_of(tags.begin(), tags.end(), [&](std::uint16_t t) {
                    return dnskey_has_tag(keys, t);
                });
                if (!ok)
                    return "signatures of serial " + std::to_string(versions_[v].second.serial) +
                           " made by no key of the DNSKEY RRset of serial " +
                           std::to_string(versions_[k].second.serial);
            }
        }
    }
    return {};
}

std::optional<TimePoint> KeyWorld::parent_serves_since(std::size_t i, const std::string& ds) const {
    const Seconds lag = config_.parent_lags[i];
    std::optional<TimePoint> since;
    for (const auto& [at, set] : parent_ds_) {
        if (at + lag > now_) break;
        if (!contains(set, ds))
            since.reset();
        else if (!since)
            since = at + lag;
    }
    return since;
}

std::optional<TimePoint> KeyWorld::last_signed_by(std::uint16_t tag) const {
    std::optional<TimePoint> last;
    Seconds max_lag{0};
    for (const auto lag : config_.server_lags) max_lag = std::max(max_lag, lag);
    for (std::size_t k = 0; k < versions_.size(); ++k) {
        const auto tags = data_signers(versions_[k].second.keys);
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) continue;
        const TimePoint end = k + 1 < versions_.size() ? versions_[k + 1].first + max_lag : now_;
        last = std::max(last.value_or(end), end);
    }
    return last;
}

}  // namespace dk::zone::dnssec_keys::testing
