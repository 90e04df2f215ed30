#include "zone/dnssec_keys/server_views.h"

#include <algorithm>

namespace dk::zone::dnssec_keys {
namespace {

std::string rdata_wire(const ldns_rr* rr) {
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* f = ldns_rr_rdf(rr, i);
        out.append(reinterpret_cast<const char*>(ldns_rdf_data(f)), ldns_rdf_size(f));
    }
    return out;
}

Result<ldns::PktPtr> ask(const HostPort& server, const std::string& zone, ldns_rr_type type,
                         const TransportOptions& transport) {
    return ask_server(server, {zone, type, false, false, "zone name"}, transport);
}

Result<std::uint32_t> soa_serial(const HostPort& server, const std::string& zone,
                                 const TransportOptions& transport) {
    DK_TRY(ldns::PktPtr reply, ask(server, zone, LDNS_RR_TYPE_SOA, transport));
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_pkt_aa(reply.get()))
            return ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
    }
    return Error::environment(server.to_string() + ": no authoritative SOA for " + zone);
}

ServerKeys ask_dnskeys(const HostPort& server, const std::string& zone,
                       const TransportOptions& transport) {
    ServerKeys out;
    out.server = server.to_string();
    auto before = soa_serial(server, zone, transport);
    if (!before.ok()) {
        out.problem = before.error().message;
        return out;
    }
    auto reply = ask(server, zone, LDNS_RR_TYPE_DNSKEY, transport);
    if (!reply.ok()) {
        out.problem = reply.error().message;
        return out;
    }
    auto keys = parse_rrset_reply(zone, LDNS_RR_TYPE_DNSKEY, **reply);
    auto after = soa_serial(server, zone, transport);
    if (!keys.ok() || !after.ok()) {
        out.problem = out.server + ": " + (!keys.ok() ? keys.error() : after.error()).message;
        return out;
    }
    if (*after != *before) {
        out.problem = out.server + ": the zone changed while it was observed";
        return out;
    }
    out.answered = true;
    out.serial = *before;
    out.dnskeys = std::move(keys->first);
    out.dnskey_ttl = keys->second;
    return out;
}

}  // namespace

Result<std::pair<std::vector<std::string>, std::uint32_t>> parse_rrset_reply(
    const std::string& zone, ldns_rr_type type, const ldns_pkt& reply) {
    if (ldns_pkt_get_rcode(&reply) != LDNS_RCODE_NOERROR) {
        ldns::CStringPtr rcode(ldns_pkt_rcode2str(ldns_pkt_get_rcode(&reply)));
        return Error::environment(std::string("answered ") + (rcode ? rcode.get() : "?"));
    }
    if (!ldns_pkt_aa(&reply))
        return Error::environment("not authoritative for " + zone + " (referral or cache)");
    ldns::RdfPtr owner(ldns_dname_new_frm_str(zone.c_str()));
    if (!owner) return Error::bad_input("bad zone name " + zone);
    std::vector<std::string> rdatas;
    std::uint32_t ttl = 0;
    const ldns_rr_list* answer = ldns_pkt_answer(&reply);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) != type || ldns_dname_compare(ldns_rr_owner(rr), owner.get()) != 0)
            continue;
        rdatas.push_back(rdata_wire(rr));
        ttl = rdatas.size() == 1 ? ldns_rr_ttl(rr) : std::min(ttl, ldns_rr_ttl(rr));
    }
    std::sort(rdatas.begin(), rdatas.end());
    rdatas.erase(std::unique(rdatas.begin(), rdatas.end()), rdatas.end());
    return std::pair{std::move(rdatas), ttl};
}

ParentServerDs parse_ds_reply(const std::string& server, const std::string& zone,
                              const ldns_pkt& reply) {
    ParentServerDs out;
    out.server = server;
    auto ds = parse_rrset_reply(zone, LDNS_RR_TYPE_DS, reply);
    if (!ds.ok()) {
        out.problem = server + ": DS " + zone + ": " + ds.error().message;
        return out;
    }
    out.answered = true;
    out.ds = std::move(ds->first);
    out.ttl = ds->second;
    return out;
}

std::vector<ServerKeys> observe_dnskeys(const std::vector<HostPort>& servers,
                                        const std::string& zone,
                                        const TransportOptions& transport) {
    std::vector<ServerKeys> out;
    for (const auto& s : servers) out.push_back(ask_dnskeys(s, zone, transport));
    return out;
}

std::vector<ParentServerDs> parent_views(const ParentDsCheck& check) {
    std::vector<ParentServerDs> out;
    for (const auto& s : check.servers) {
        ParentServerDs view;
        view.server = s.server.to_string();
        view.answered = s.validated;
        if (!s.validated) view.problem = view.server + ": DS not validated: " + s.problem;
        if (s.validated) view.ds = s.ds_wire;
        view.ttl = s.ttl;
        out.push_back(std::move(view));
    }
    return out;
}

std::vector<ParentServerDs> observe_parent_ds(const std::vector<HostPort>& parent_servers,
                                              const std::string& zone,
                                              const TransportOptions& transport) {
    std::vector<ParentServerDs> out;
    for (const auto& s : parent_servers) {
        auto reply = ask(s, zone, LDNS_RR_TYPE_DS, transport);
        if (!reply.ok()) {
            ParentServerDs failed;
            failed.server = s.to_string();
            failed.problem = reply.error().message;
            out.push_back(std::move(failed));
            continue;
        }
        out.push_back(parse_ds_reply(s.to_string(), zone, **reply));
    }
    return out;
}

}  // namespace dk::zone::dnssec_keys
