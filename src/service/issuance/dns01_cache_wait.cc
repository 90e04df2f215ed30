#include "service/issuance/dns01_cache_wait.h"

#include <algorithm>

namespace dk::service {
namespace {

std::uint32_t rrsig_original_ttl(const ldns_rr* rr) {
    const ldns_rdf* original = ldns_rr_rrsig_origttl(rr);
    return original != nullptr ? ldns_rdf2native_int32(original) : 0;
}

ldns_rr_type covered_type(const ldns_rr* rr) {
    const ldns_rdf* covered = ldns_rr_rrsig_typecovered(rr);
    return covered != nullptr ? ldns_rdf2rr_type(covered) : LDNS_RR_TYPE_RRSIG;
}

bool denial_type(ldns_rr_type type) {
    return type == LDNS_RR_TYPE_NSEC || type == LDNS_RR_TYPE_NSEC3;
}

}  // namespace

CacheWait cache_wait(const std::vector<PriorAnswer>& answers, Seconds maximum) {
    std::uint32_t longest = 0;
    for (const auto& a : answers)
        longest = std::max({longest, a.denial_ttl, a.negative_ttl, a.txt_ttl});
    if (longest == 0) return {};
    const Seconds wanted = Seconds{longest} + cache_wait_margin;
    if (wanted > maximum) return {maximum, true};
    return {wanted, false};
}

PriorAnswer read_prior_answer(const ldns_pkt& reply) {
    PriorAnswer out;
    const ldns_rr_list* answer = ldns_pkt_answer(&reply);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        const ldns_rr_type type = ldns_rr_get_type(rr);
        if (type == LDNS_RR_TYPE_TXT || type == LDNS_RR_TYPE_CNAME)
            out.txt_ttl = std::max(out.txt_ttl, ldns_rr_ttl(rr));
        else if (type == LDNS_RR_TYPE_RRSIG)
            out.txt_ttl = std::max({out.txt_ttl, ldns_rr_ttl(rr), rrsig_original_ttl(rr)});
    }
    const ldns_rr_list* authority = ldns_pkt_authority(&reply);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(authority, i);
        const ldns_rr_type type = ldns_rr_get_type(rr);
        if (denial_type(type)) {
            out.denial_ttl = std::max(out.denial_ttl, ldns_rr_ttl(rr));
        } else if (type == LDNS_RR_TYPE_RRSIG && denial_type(covered_type(rr))) {
            out.denial_ttl = std::max({out.denial_ttl, ldns_rr_ttl(rr), rrsig_original_ttl(rr)});
        } else if (type == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 7) {
            // RFC 2308 section 5: a denial is cached for the lower of the two.
            out.negative_ttl =
                std::max(out.negative_ttl,
                         std::min(ldns_rr_ttl(rr), ldns_rdf2native_int32(ldns_rr_rdf(rr, 6))));
        }
    }
    return out;
}

Result<PriorAnswer> ask_prior_answer(const HostPort& server,
                                     const zone::TransportOptions& transport,
                                     const std::string& owner) {
    DK_TRY(ldns::PktPtr reply,
           zone::ask_server(server, zone::Question{owner, LDNS_RR_TYPE_TXT}, transport));
    const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(reply.get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN)
        return Error::environment(server.host + ":" + std::to_string(server.port) + ": " + owner +
                                  " TXT answered rcode " + std::to_string(rcode));
    return read_prior_answer(*reply);
}

}  // namespace dk::service
