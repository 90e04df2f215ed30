#include "service/observe/prober_adapter.h"

#include <arpa/inet.h>

#include "base/log.h"
#include "base/strings.h"

namespace dk::service {
namespace {

Result<std::vector<std::string>> resolve(const HostPort& resolver, const std::string& host,
                                         ldns_rr_type type) {
    ldns::RdfPtr name(ldns_dname_new_frm_str(host.c_str()));
    if (!name) return Error::bad_input("bad host name " + host);
    ldns::PktPtr q(ldns_pkt_query_new(name.get(), type, LDNS_RR_CLASS_IN, LDNS_RD));
    name.release();
    ldns_pkt_set_edns_do(q.get(), true);
    ldns_pkt_set_edns_udp_size(q.get(), 1232);
    DK_TRY(ldns::PktPtr reply, zone::exchange(resolver, *q, zone::TransportOptions{}));
    std::vector<std::string> out;
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) != type) continue;
        ldns::CStringPtr text(ldns_rdf2str(ldns_rr_rdf(rr, 0)));
        if (text) out.emplace_back(text.get());
    }
    return out;
}

}  // namespace

Result<std::vector<std::string>> AddressBook::addresses(const std::string& host) {
    if (auto it = overrides_.find(absolute_name(host)); it != overrides_.end()) return it->second;
    in6_addr scratch{};
    if (::inet_pton(AF_INET, host.c_str(), &scratch) == 1 ||
        ::inet_pton(AF_INET6, host.c_str(), &scratch) == 1) {
        return std::vector<std::string>{host};
    }
    if (!resolver_) return Error::bad_input("no resolver configured to look up " + host);
    std::vector<std::string> all;
    for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
        DK_TRY(auto found, resolve(*resolver_, absolute_name(host), type));
        all.insert(all.end(), found.begin(), found.end());
    }
    if (all.empty()) return Error::environment(host + " has no A or AAAA record");
    return all;
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
        auto addresses = book_.addresses(ep.host);
        if (!addresses.ok()) {
            unreachable.push_back(
                {ep.to_string(), "?", false, std::nullopt, false, addresses.error().message});
            continue;
        }
        for (const auto& address : *addresses) requests.push_back({ep, address, rrset});
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
                   {"spki", v.leaf_spki_sha256 ? to_hex(*v.leaf_spki_sha256).substr(0, 16) : "-"},
                   {"dane", v.dane_ok ? "ok" : "fail"},
                   {"problem", v.problem}});
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace dk::service
