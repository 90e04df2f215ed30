#include "engine/safety.h"

#include <algorithm>
#include <set>
#include <tuple>

namespace dk::engine {
namespace {

using Combination = std::tuple<std::uint8_t, std::uint8_t, std::uint8_t>;

Combination combination_of(const TlsaRecord& r) {
    return {r.usage, r.selector, r.mtype};
}

std::string endpoint_label(const EndpointView& ep) {
    return ep.endpoint + "@" + ep.address;
}

}  // namespace

TlsaRecord record_for(const SlotKey& key) {
    return TlsaRecord{tlsa::usage_dane_ee, tlsa::selector_spki, tlsa::mtype_sha256,
                      key.spki_sha256};
}

bool contains(const std::vector<TlsaRecord>& rrset, const TlsaRecord& record) {
    return std::find(rrset.begin(), rrset.end(), record) != rrset.end();
}

bool published_everywhere(const Observations& obs, const TlsaRecord& record) {
    if (obs.owners.empty()) return false;
    return std::all_of(obs.owners.begin(), obs.owners.end(), [&](const OwnerView& o) {
        return o.propagated && o.validated && contains(o.at_primary, record);
    });
}

bool absent_everywhere(const Observations& obs, const TlsaRecord& record) {
    return std::all_of(obs.owners.begin(), obs.owners.end(), [&](const OwnerView& o) {
        return o.propagated && o.validated && !contains(o.at_primary, record);
    });
}

bool combinations_satisfied(const std::vector<TlsaRecord>& rrset,
                            const std::vector<TlsaRecord>& chain_matches) {
    std::set<Combination> published;
    for (const auto& r : rrset) published.insert(combination_of(r));
    for (const auto& combination : published) {
        const bool matched = std::any_of(rrset.begin(), rrset.end(), [&](const TlsaRecord& r) {
            return combination_of(r) == combination && contains(chain_matches, r);
        });
        if (!matched) return false;
    }
    return true;
}

std::optional<std::string> first_unsatisfied_owner(const Observations& obs,
                                                   const std::vector<TlsaRecord>& chain_matches) {
    for (const auto& owner : obs.owners) {
        if (!combinations_satisfied(owner.at_primary, chain_matches)) return owner.owner;
    }
    return std::nullopt;
}

std::vector<std::string> endpoints_not_presenting(const Observations& obs, const SlotKey& key) {
    std::vector<std::string> out;
    for (const auto& ep : obs.endpoints) {
        const bool ok = ep.reachable && ep.dane_ok && ep.leaf_spki_sha256 == key.spki_sha256;
        if (!ok) out.push_back(endpoint_label(ep));
    }
    if (obs.endpoints.empty()) out.emplace_back("(no endpoint was probed)");
    return out;
}

std::vector<std::string> endpoints_maybe_presenting(const Observations& obs, const SlotKey& key) {
    std::vector<std::string> out;
    for (const auto& ep : obs.endpoints) {
        if (!ep.reachable || !ep.leaf_spki_sha256 || *ep.leaf_spki_sha256 == key.spki_sha256) {
            out.push_back(endpoint_label(ep));
        }
    }
    if (obs.endpoints.empty()) out.emplace_back("(no endpoint was probed)");
    return out;
}

std::vector<std::string> endpoints_presenting_exactly(const Observations& obs, const SlotKey& key) {
    std::vector<std::string> out;
    for (const auto& ep : obs.endpoints) {
        if (ep.reachable && ep.leaf_spki_sha256 == key.spki_sha256)
            out.push_back(endpoint_label(ep));
    }
    return out;
}

std::vector<std::string> endpoints_with_unknown_key(const Observations& obs,
                                                    const std::vector<const SlotKey*>& known) {
    std::vector<std::string> out;
    for (const auto& ep : obs.endpoints) {
        if (!ep.reachable || !ep.leaf_spki_sha256) continue;
        const bool is_known = std::any_of(known.begin(), known.end(), [&](const SlotKey* k) {
            return k != nullptr && k->spki_sha256 == *ep.leaf_spki_sha256;
        });
        if (!is_known) out.push_back(endpoint_label(ep));
    }
    return out;
}

Seconds max_ttl(const Observations& obs) {
    Seconds result{0};
    for (const auto& o : obs.owners) result = std::max(result, o.ttl_max);
    return result;
}

Seconds owner_ttl_max(const std::vector<ServedTtls>& servers) {
    std::uint32_t result = 0;
    for (const auto& s : servers) {
        result = std::max({result, s.tlsa, s.rrsig_original, s.cname_max});
        if (s.empty) result = std::max(result, s.negative);
    }
    return Seconds{result};
}

}  // namespace dk::engine
