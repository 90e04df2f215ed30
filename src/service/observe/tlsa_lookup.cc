#include "service/observe/tlsa_lookup.h"

#include "zone/dns_transport.h"

namespace dk::service {

Result<ldns::PktPtr> ask_resolver(const HostPort& resolver, const std::string& name,
                                  ldns_rr_type type) {
    ldns::RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
    if (!owner) return Error::bad_input("bad owner name " + name);
    ldns::PktPtr q(ldns_pkt_query_new(owner.get(), type, LDNS_RR_CLASS_IN, LDNS_RD));
    owner.release();
    ldns_pkt_set_edns_do(q.get(), true);
    ldns_pkt_set_edns_udp_size(q.get(), 1232);
    return zone::exchange(resolver, *q, zone::TransportOptions{});
}

std::vector<TlsaRecord> tlsa_records_in(const ldns_pkt& reply) {
    std::vector<TlsaRecord> records;
    const ldns_rr_list* answer = ldns_pkt_answer(&reply);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA || ldns_rr_rd_count(rr) != 4) continue;
        TlsaRecord r;
        r.usage = ldns_rdf2native_int8(ldns_rr_rdf(rr, 0));
        r.selector = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
        r.mtype = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
        const ldns_rdf* data = ldns_rr_rdf(rr, 3);
        r.data.assign(ldns_rdf_data(data), ldns_rdf_data(data) + ldns_rdf_size(data));
        records.push_back(std::move(r));
    }
    return records;
}

Result<std::vector<TlsaRecord>> lookup_tlsa(const HostPort& resolver, const std::string& owner) {
    DK_TRY(ldns::PktPtr reply, ask_resolver(resolver, owner, LDNS_RR_TYPE_TLSA));
    const auto rcode = ldns_pkt_get_rcode(reply.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
        return Error::environment("resolver " + resolver.to_string() + " answered rcode " +
                                  std::to_string(rcode) + " for " + owner);
    }
    if (!ldns_pkt_ad(reply.get())) {
        return Error::check_failed("TLSA answer for " + owner +
                                   " is not DNSSEC-validated (no AD bit): insecure, not trusted");
    }
    auto records = tlsa_records_in(*reply);
    if (records.empty())
        return Error::check_failed("no TLSA records at " + owner + " (validated denial)");
    return records;
}

}  // namespace dk::service
