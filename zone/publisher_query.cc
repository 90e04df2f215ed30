// Reading what the primary serves: one RRset, or the SOA serial.
#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "zone/publisher.h"

namespace dk::zone {
namespace {

std::string rdata_text(const ldns_rr* rr) {
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        ldns::CStringPtr field(ldns_rdf2str(ldns_rr_rdf(rr, i)));
        if (!out.empty()) out += ' ';
        // Character strings (TXT) keep their case; hex and names compare case-insensitively.
        const bool text = ldns_rdf_get_type(ldns_rr_rdf(rr, i)) == LDNS_RDF_TYPE_STR;
        out += field ? (text ? std::string(field.get()) : lower(field.get())) : std::string("?");
    }
    return out;
}

// Sends one query and insists on an authoritative NOERROR/NXDOMAIN answer.
Result<ldns::PktPtr> ask(const HostPort& server, const TransportOptions& transport,
                         const std::string& name, ldns_rr_type type) {
    DK_TRY(ldns::PktPtr reply,
           ask_server(server, {name, type, false, true, "owner name"}, transport));
    const auto rcode = ldns_pkt_get_rcode(reply.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) {
        const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
        return Error::environment(server.to_string() + " answered " +
                                  (entry != nullptr ? entry->name : "an error") + " for " + name);
    }
    if (!ldns_pkt_aa(reply.get())) {
        return Error::environment(server.to_string() + " is not authoritative for " + name);
    }
    return reply;
}

}  // namespace

Result<Rrset> query_rrset(const HostPort& server, const TransportOptions& transport,
                          const std::string& owner, ldns_rr_type type) {
    DK_TRY(ldns::PktPtr reply, ask(server, transport, owner, type));
    ldns::RdfPtr name(ldns_dname_new_frm_str(owner.c_str()));
    Rrset out{lower(owner), type, 0, {}};
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_dname_compare(ldns_rr_owner(rr), name.get()) != 0) continue;
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && type != LDNS_RR_TYPE_CNAME) {
            return Error::check_failed(owner + " is a CNAME at " + server.to_string() +
                                       ": records beside it would be ignored");
        }
        if (ldns_rr_get_type(rr) != type) continue;
        out.ttl = ldns_rr_ttl(rr);
        out.rdatas.push_back(rdata_text(rr));
    }
    std::sort(out.rdatas.begin(), out.rdatas.end());
    return out;
}

Result<std::uint32_t> query_soa_serial(const HostPort& server, const TransportOptions& transport,
                                       const std::string& zone) {
    DK_TRY(ldns::PktPtr reply, ask(server, transport, zone, LDNS_RR_TYPE_SOA));
    const ldns_rr_list* answer = ldns_pkt_answer(reply.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 3) {
            return ldns_rdf2native_int32(ldns_rr_rdf(rr, 2));
        }
    }
    return Error::environment(server.to_string() + " served no SOA for " + zone);
}

}  // namespace dk::zone
