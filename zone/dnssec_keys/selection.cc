// The pure helpers around the planner: what a key state puts into the zone and what observations
// prove.
#include <algorithm>
#include <cstddef>

#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/planner.h"
#include "zone/resolver/served_everywhere.h"

namespace dk::zone::dnssec_keys {
namespace {

bool serves_as_stated(const KeyRecord& k, const std::vector<ServerKeys>& servers) {
    if (!k.state_serial) return false;
    const bool wanted = in_dnskey(k);
    return served_everywhere(servers, *k.state_serial, [&](const ServerKeys& s) {
        const bool has =
            std::find(s.dnskeys.begin(), s.dnskeys.end(), k.dnskey_rdata) != s.dnskeys.end();
        return has == wanted;
    });
}

bool has_ds(const ParentServerDs& server, const std::string& owner, const KeyRecord& k) {
    return std::any_of(server.ds.begin(), server.ds.end(), [&](const std::string& ds) {
        return ds_matches(ds, owner, k.dnskey_rdata);
    });
}

std::optional<MonotonicMark> started_mark(const KeyObservations& obs) {
    if (!obs.monotonic) return std::nullopt;
    return start_mark(*obs.monotonic);
}

void record_ds(KeyRecord& k, const KeyObservations& obs, const std::string& owner) {
    if (k.role != Role::ksk || !obs.parent_observed || !all_answered(obs.parent)) return;
    const auto with = std::count_if(obs.parent.begin(), obs.parent.end(),
                                    [&](const ParentServerDs& s) { return has_ds(s, owner, k); });
    if (with == static_cast<std::ptrdiff_t>(obs.parent.size())) {
        if (!k.ds_seen) {
            k.ds_seen = obs.now;
            k.ds_seen_mono = started_mark(obs);
        }
        k.ds_gone.reset();
    } else if (with == 0) {
        if (!k.ds_gone) k.ds_gone = obs.now;
        k.ds_seen.reset();
        k.ds_seen_mono.reset();
    } else {
        // Some parent servers have it, some not: whatever was proven before no longer holds.
        k.ds_seen.reset();
        k.ds_seen_mono.reset();
        k.ds_gone.reset();
    }
}

}  // namespace

bool ds_at_every_parent_server(const KeyRecord& k, const KeyObservations& obs,
                               const std::string& owner) {
    return obs.parent_observed && all_answered(obs.parent) &&
           std::all_of(obs.parent.begin(), obs.parent.end(),
                       [&](const ParentServerDs& s) { return has_ds(s, owner, k); });
}

KeySelection select_keys(const ZoneKeys& keys, const std::string& owner) {
    KeySelection out;
    for (const auto& k : keys.keys) {
        if (in_dnskey(k)) out.dnskeys.push_back(k.dnskey_rdata);
        if (signs(k)) {
            auto& list = k.role == Role::ksk ? out.key_signers : out.zone_signers;
            list.push_back({k.tag, k.algorithm});
        }
        if (in_cds(k)) {
            auto ds = ds_rdata(owner, k.dnskey_rdata, DigestType::sha256);
            if (ds.ok()) out.cds.push_back(*ds);
            out.cdnskey.push_back(k.dnskey_rdata);
        }
    }
    return out;
}

ZoneKeys record_observations(ZoneKeys keys, const KeyObservations& obs, const std::string& owner) {
    for (auto& k : keys.keys) {
        if (k.state == KeyState::removed || k.state == KeyState::generated) continue;
        if (!k.state_seen && serves_as_stated(k, obs.servers)) {
            k.state_seen = obs.now;
            k.state_seen_mono = started_mark(obs);
        }
        record_ds(k, obs, owner);
    }
    return keys;
}

}  // namespace dk::zone::dnssec_keys
