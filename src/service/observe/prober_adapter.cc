#include "service/observe/prober_adapter.h"

#include "base/log.h"
#include "base/strings.h"

namespace dk::service {

probe::KeyFamily handshake_family(const SlotChains& slot, const std::vector<SlotChains>& all) {
    auto own = probe::family_of_algorithm(slot.algorithm);
    if (!own.ok()) return probe::KeyFamily::any;  // config check refuses it before this
    const auto shares_endpoint = [&](const SlotChains& other) {
        for (const auto& a : slot.endpoints) {
            for (const auto& b : other.endpoints) {
                if (a.host == b.host && a.port == b.port) return true;
            }
        }
        return false;
    };
    for (const auto& other : all) {
        auto family = probe::family_of_algorithm(other.algorithm);
        if (family.ok() && *family != *own && shares_endpoint(other)) return *own;
    }
    return probe::KeyFamily::any;
}

std::vector<engine::EndpointView> ProberAdapter::probe(
    const std::vector<Endpoint>& endpoints, const std::vector<engine::OwnerView>& published) {
    std::vector<probe::ProbeRequest> requests;
    std::vector<engine::EndpointView> unreachable;
    for (const auto& ep : endpoints) {
        std::vector<TlsaRecord> rrset;
        const std::string owner = tlsa_owner(ep.host, ep.port);
        for (const auto& o : published) {
            if (o.owner == owner) rrset = o.at_primary;
        }
        auto addresses = book_.addresses(ep);
        if (!addresses.ok()) {
            unreachable.push_back(
                {ep.to_string(), "?", false, std::nullopt, false, addresses.error().message});
            continue;
        }
        for (const auto& address : *addresses) requests.push_back({ep, address, rrset, family_});
    }
    std::vector<engine::EndpointView> out = unreachable;
    for (const auto& r : probe::probe_all(requests, options_)) {
        engine::EndpointView v;
        v.endpoint = r.endpoint;
        v.address = r.address;
        v.reachable = r.leaf_spki_sha256.has_value();
        v.leaf_spki_sha256 = r.leaf_spki_sha256;
        v.dane_ok = r.dane_ok;
        v.problem = r.problem;
        log::info("probe.result",
                  {{"endpoint", v.endpoint},
                   {"address", v.address},
                   {"offered", std::string(probe::to_string(family_))},
                   {"key", r.key_family.empty() ? "-" : r.key_family},
                   {"spki", v.leaf_spki_sha256 ? to_hex(*v.leaf_spki_sha256).substr(0, 16) : "-"},
                   {"dane", v.dane_ok ? "ok" : "fail"},
                   {"problem", v.problem}});
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace dk::service
