#include "cli/wiring/tlsa_lookup.h"

#include "base/ldns_handles.h"
#include "zone/dns_transport.h"

namespace dk::cli {

Result<std::vector<TlsaRecord>> lookup_tlsa(const HostPort& resolver, const std::string& owner) {
    ldns::RdfPtr name(ldns_dname_new_frm_str(owner.c_str()));
    if (!name) return Error::bad_input("bad owner name " + owner);
    ldns::PktPtr q(ldns_pkt_query_new(name.get(), LDNS_RR_TYPE_TLSA, LDNS_RR_CLASS_IN, LDNS_RD));
    name.release();
    ldns_pkt_set_edns_do(q.get(), true);
    ldns_pkt_set_edns_udp_size(q.get(), 1232);
    DK_TRY(ldns::PktPtr reply, zone::exchange(resolver, *q, zone::TransportOptions{}));
    const auto rcode = ldns_pkt_get_rcode(reply.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
        return Error::environment("resolver " + resolver.to_string() + " answered rcode " +
                                  std::to_string(rcode) + " for " + owner);
    }
    if (!ldns_pkt_ad(reply.get())) {
        return Error::check_failed("TLSA answer for " + owner +
                                   " is not DNSSEC-validated (no AD bit): insecure, not trusted");
    }
    std::vector<TlsaRecord> records;
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
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
    if (records.empty())
        return Error::check_failed("no TLSA records at " + owner + " (validated denial)");
    return records;
}

}  // namespace dk::cli
