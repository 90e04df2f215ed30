#include "zone/resolver/resolver.h"

#include "base/ldns_handles.h"
#include "zone/dns_transport.h"

namespace dk::zone {
namespace {

ldns_rr_type rr_type_of(QueryType type) {
    switch (type) {
        case QueryType::a:
            return LDNS_RR_TYPE_A;
        case QueryType::aaaa:
            return LDNS_RR_TYPE_AAAA;
        case QueryType::mx:
            return LDNS_RR_TYPE_MX;
        case QueryType::tlsa:
            return LDNS_RR_TYPE_TLSA;
        case QueryType::txt:
            return LDNS_RR_TYPE_TXT;
    }
    return LDNS_RR_TYPE_A;
}

TlsaRecord tlsa_of(const ldns_rr* rr) {
    TlsaRecord r;
    r.usage = ldns_rdf2native_int8(ldns_rr_rdf(rr, 0));
    r.selector = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
    r.mtype = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
    const ldns_rdf* data = ldns_rr_rdf(rr, 3);
    r.data.assign(ldns_rdf_data(data), ldns_rdf_data(data) + ldns_rdf_size(data));
    return r;
}

// Appends one answer RR of the asked type to the reply's list for that type.
void take(const ldns_rr* rr, QueryType type, ResolverReply& out) {
    if (type == QueryType::tlsa) {
        if (ldns_rr_rd_count(rr) == 4) out.tlsa.push_back(tlsa_of(rr));
    } else if (type == QueryType::mx) {
        if (ldns_rr_rd_count(rr) != 2) return;
        ldns::CStringPtr host(ldns_rdf2str(ldns_rr_rdf(rr, 1)));
        if (host) out.mx.push_back({ldns_rdf2native_int16(ldns_rr_rdf(rr, 0)), host.get()});
    } else if (type == QueryType::txt) {
        // One record's character-strings joined (RFC 8461 section 3.1, RFC 7208 section 3.3).
        std::string text;
        for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
            const ldns_rdf* piece = ldns_rr_rdf(rr, i);
            if (ldns_rdf_size(piece) < 1) continue;
            text.append(reinterpret_cast<const char*>(ldns_rdf_data(piece)) + 1,
                        ldns_rdf_size(piece) - 1);
        }
        out.txt.push_back(std::move(text));
    } else {
        ldns::CStringPtr text(ldns_rdf2str(ldns_rr_rdf(rr, 0)));
        if (text) out.addresses.emplace_back(text.get());
    }
}

ResolverReply read_reply(const ldns_pkt& reply, QueryType type) {
    ResolverReply out;
    out.rcode = static_cast<std::uint16_t>(ldns_pkt_get_rcode(&reply));
    const ldns_rr_list* answer = ldns_pkt_answer(&reply);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(answer); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(answer, i);
        if (ldns_rr_get_type(rr) == rr_type_of(type)) take(rr, type, out);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME && ldns_rr_rd_count(rr) == 1) {
            ldns::CStringPtr target(ldns_rdf2str(ldns_rr_rdf(rr, 0)));
            if (target) out.cnames.emplace_back(target.get());
        }
    }
    const bool has_records =
        !out.tlsa.empty() || !out.mx.empty() || !out.addresses.empty() || !out.txt.empty();
    out.verdict = classify_reply(out.rcode, ldns_pkt_ad(&reply), has_records);
    return out;
}

}  // namespace

ResolverVerdict classify_reply(std::uint16_t rcode, bool authenticated_data, bool has_records) {
    if (rcode != rcode_noerror && rcode != rcode_nxdomain) return ResolverVerdict::failure;
    if (!authenticated_data) return ResolverVerdict::insecure;
    return has_records && rcode == rcode_noerror ? ResolverVerdict::answer
                                                 : ResolverVerdict::validated_denial;
}

Result<ResolverReply> read_resolver_reply(std::span<const std::uint8_t> wire, QueryType type) {
    ldns_pkt* parsed = nullptr;
    if (ldns_wire2pkt(&parsed, wire.data(), wire.size()) != LDNS_STATUS_OK)
        return Error::bad_input("malformed DNS reply");
    ldns::PktPtr reply(parsed);
    return read_reply(*reply, type);
}

Result<ResolverReply> ask_resolver(const HostPort& resolver, const std::string& name,
                                   QueryType type) {
    const bool host = type == QueryType::a || type == QueryType::aaaa;
    DK_TRY(ldns::PktPtr reply,
           ask_server(resolver,
                      {name, rr_type_of(type), true, false, host ? "host name" : "owner name"},
                      TransportOptions{}));
    return read_reply(*reply, type);
}

Result<ResolverReply> lookup_tlsa(const HostPort& resolver, const std::string& owner) {
    DK_TRY(ResolverReply reply, ask_resolver(resolver, owner, QueryType::tlsa));
    switch (reply.verdict) {
        case ResolverVerdict::failure:
            return Error::environment("resolver " + resolver.to_string() + " answered rcode " +
                                      std::to_string(reply.rcode) + " for " + owner);
        case ResolverVerdict::insecure:
            return Error::check_failed(
                "TLSA answer for " + owner +
                " is not DNSSEC-validated (no AD bit): insecure, not trusted");
        case ResolverVerdict::answer:
        case ResolverVerdict::validated_denial:
            break;
    }
    return reply;
}

Result<std::vector<TlsaRecord>> require_tlsa(const HostPort& resolver, const std::string& owner) {
    DK_TRY(ResolverReply reply, lookup_tlsa(resolver, owner));
    if (reply.verdict == ResolverVerdict::validated_denial)
        return Error::check_failed("no TLSA records at " + owner + " (validated denial)");
    return std::move(reply.tlsa);
}

Result<std::vector<std::string>> resolve_addresses(const HostPort& resolver,
                                                   const std::string& host) {
    std::vector<std::string> all;
    for (QueryType type : {QueryType::a, QueryType::aaaa}) {
        DK_TRY(ResolverReply reply, ask_resolver(resolver, host, type));
        all.insert(all.end(), reply.addresses.begin(), reply.addresses.end());
    }
    return all;
}

}  // namespace dk::zone
