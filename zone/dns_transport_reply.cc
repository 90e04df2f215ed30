// The checks that turn received bytes into a reply we may believe (see dns_transport.h).
#include <cstdlib>
#include <string>

#include "zone/dns_transport.h"

namespace dk::zone {
namespace {

ExchangeOutcome fail(ExchangeFailure failure, Error error) {
    ExchangeOutcome out;
    out.error = ExchangeError{failure, std::move(error)};
    return out;
}

ExchangeOutcome bad_reply(const std::string& server, const std::string& what) {
    return fail(ExchangeFailure::bad_reply,
                Error::environment("reply from " + server + " " + what));
}

std::string rcode_text(ldns_pkt_rcode rcode) {
    const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
    return entry != nullptr ? entry->name : "RCODE" + std::to_string(rcode);
}

// RFC 8945 section 5.3 error codes in the TSIG RR's error field.
std::string tsig_error_text(unsigned code) {
    switch (code) {
        case 16:
            return "BADSIG";
        case 17:
            return "BADKEY";
        case 18:
            return "BADTIME";
        case 22:
            return "BADTRUNC";
        default:
            return "TSIG error " + std::to_string(code);
    }
}

std::string dname_text(const ldns_rdf* rdf) {
    ldns::CStringPtr text(ldns_rdf2str(rdf));
    return text ? std::string(text.get()) : std::string("?");
}

bool same_dname(const ldns_rdf* a, const ldns_rdf* b) {
    return a != nullptr && b != nullptr && ldns_dname_compare(a, b) == 0;
}

bool same_question(const ldns_pkt& sent, const ldns_pkt& reply) {
    const ldns_rr_list* q = ldns_pkt_question(&sent);
    const ldns_rr_list* r = ldns_pkt_question(&reply);
    if (ldns_rr_list_rr_count(q) != ldns_rr_list_rr_count(r)) return false;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(q); ++i) {
        const ldns_rr* a = ldns_rr_list_rr(q, i);
        const ldns_rr* b = ldns_rr_list_rr(r, i);
        if (!same_dname(ldns_rr_owner(a), ldns_rr_owner(b)) ||
            ldns_rr_get_type(a) != ldns_rr_get_type(b) ||
            ldns_rr_get_class(a) != ldns_rr_get_class(b)) {
            return false;
        }
    }
    return true;
}

long long tsig_time(const ldns_rr* tsig) {
    const ldns_rdf* rdf = ldns_rr_rdf(tsig, 1);
    if (rdf == nullptr || ldns_rdf_size(rdf) != 6) return -1;
    long long t = 0;
    for (std::size_t i = 0; i < 6; ++i) t = (t << 8) | ldns_rdf_data(rdf)[i];
    return t;
}

ExchangeOutcome check_tsig(const std::string& server, const ldns_pkt& sent, ldns::PktPtr reply,
                           std::span<const std::uint8_t> wire, const TsigKey& key,
                           std::uint16_t fudge, long long now_unix) {
    const ldns_rr* tsig = ldns_pkt_tsig(reply.get());
    const std::string rcode = rcode_text(ldns_pkt_get_rcode(reply.get()));
    if (tsig == nullptr && ldns_pkt_get_rcode(reply.get()) == LDNS_RCODE_NOTAUTH) {
        // PowerDNS answers a MAC that does not verify this way, without the TSIG RR carrying
        // BADSIG. Believing an unsigned failure is safe: it can only stop a change, never make one.
        return fail(ExchangeFailure::tsig_rejected,
                    Error::check_failed(server + " rejected our TSIG signature (key " + key.name +
                                        "): NOTAUTH without a TSIG record (wrong secret, key " +
                                        "name or algorithm, or a key not allowed for the zone)"));
    }
    if (tsig == nullptr || ldns_rr_rd_count(tsig) < 7) {
        return bad_reply(server, "is not signed (rcode " + rcode + "); refusing an unsigned reply");
    }
    ldns::RdfPtr key_name(ldns_dname_new_frm_str(key.name.c_str()));
    if (!same_dname(ldns_rr_owner(tsig), key_name.get())) {
        return bad_reply(server, "is signed by key " + dname_text(ldns_rr_owner(tsig)) +
                                     ", expected " + key.name);
    }
    const unsigned error = ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5));
    if (error != 0) {
        return fail(ExchangeFailure::tsig_rejected,
                    Error::check_failed(server + " rejected our TSIG signature (key " + key.name +
                                        "): " + tsig_error_text(error) + ", rcode " + rcode));
    }
    ldns::RdfPtr algorithm(
        ldns_dname_new_frm_str(std::string(tsig_algorithm_name(key.algorithm)).c_str()));
    if (!same_dname(ldns_rr_rdf(tsig, 0), algorithm.get())) {
        return bad_reply(server, "is signed with algorithm " + dname_text(ldns_rr_rdf(tsig, 0)) +
                                     ", expected " +
                                     std::string(tsig_algorithm_name(key.algorithm)));
    }
    const ldns_rr* sent_tsig = ldns_pkt_tsig(&sent);
    const ldns_rdf* request_mac = sent_tsig != nullptr ? ldns_rr_rdf(sent_tsig, 3) : nullptr;
    if (!ldns_pkt_tsig_verify(reply.get(), wire.data(), wire.size(), key.name.c_str(),
                              key.secret_base64.c_str(), request_mac)) {
        return bad_reply(server, "has a TSIG signature that does not verify with key " + key.name);
    }
    const long long signed_at = tsig_time(tsig);
    if (signed_at < 0 || std::llabs(signed_at - now_unix) > fudge) {
        return bad_reply(server, "was signed at " + std::to_string(signed_at) +
                                     ", outside our clock's window of " + std::to_string(fudge) +
                                     " s (check the clocks)");
    }
    ExchangeOutcome out;
    out.reply = std::move(reply);
    return out;
}

// RFC 8945 allows one TSIG RR, the last of the message. Checked on the wire before parsing:
// ldns 1.8's ldns_wire2pkt keeps only the last TSIG RR and leaks any earlier one.
bool tsig_placement_ok(std::span<const std::uint8_t> wire) {
    if (wire.size() < LDNS_HEADER_SIZE) return true;  // ldns_wire2pkt reports it
    const std::size_t counts[4] = {LDNS_QDCOUNT(wire.data()), LDNS_ANCOUNT(wire.data()),
                                   LDNS_NSCOUNT(wire.data()), LDNS_ARCOUNT(wire.data())};
    const ldns_pkt_section sections[4] = {LDNS_SECTION_QUESTION, LDNS_SECTION_ANSWER,
                                          LDNS_SECTION_AUTHORITY, LDNS_SECTION_ADDITIONAL};
    const std::size_t total = counts[0] + counts[1] + counts[2] + counts[3];
    std::size_t pos = LDNS_HEADER_SIZE;
    std::size_t index = 0;
    for (int s = 0; s < 4; ++s) {
        for (std::size_t i = 0; i < counts[s]; ++i, ++index) {
            ldns_rr* raw = nullptr;
            if (ldns_wire2rr(&raw, wire.data(), wire.size(), &pos, sections[s]) != LDNS_STATUS_OK) {
                return true;  // malformed: ldns_wire2pkt reports it
            }
            ldns::RrPtr rr(raw);
            if (ldns_rr_get_type(rr.get()) == LDNS_RR_TYPE_TSIG && index + 1 != total) return false;
        }
    }
    return true;
}

}  // namespace

ExchangeOutcome check_reply(const std::string& server, const ldns_pkt& sent,
                            std::span<const std::uint8_t> reply_wire,
                            const std::optional<TsigKey>& tsig, std::uint16_t fudge,
                            long long now_unix) {
    if (!tsig_placement_ok(reply_wire)) {
        return bad_reply(server, "has a TSIG RR that is not the last record");
    }
    ldns_pkt* parsed = nullptr;
    const ldns_status status = ldns_wire2pkt(&parsed, reply_wire.data(), reply_wire.size());
    ldns::PktPtr reply(parsed);
    if (status != LDNS_STATUS_OK || !reply) {
        return bad_reply(server, std::string("is malformed: ") + ldns_get_errorstr_by_id(status));
    }
    if (!ldns_pkt_qr(reply.get())) return bad_reply(server, "is not a response (QR bit clear)");
    if (ldns_pkt_id(reply.get()) != ldns_pkt_id(&sent)) {
        return bad_reply(server, "has ID " + std::to_string(ldns_pkt_id(reply.get())) +
                                     ", expected " + std::to_string(ldns_pkt_id(&sent)) +
                                     " (spoofed or stray)");
    }
    if (ldns_pkt_get_opcode(reply.get()) != ldns_pkt_get_opcode(&sent)) {
        return bad_reply(server, "has another opcode than the query");
    }
    const auto rcode = ldns_pkt_get_rcode(reply.get());
    const bool may_omit_question = (rcode == LDNS_RCODE_FORMERR || rcode == LDNS_RCODE_NOTIMPL) &&
                                   ldns_rr_list_rr_count(ldns_pkt_question(reply.get())) == 0;
    if (!may_omit_question && !same_question(sent, *reply)) {
        return bad_reply(server, "answers another question than the query");
    }
    if (!tsig) {
        ExchangeOutcome out;
        out.reply = std::move(reply);
        return out;
    }
    return check_tsig(server, sent, std::move(reply), reply_wire, *tsig, fudge, now_unix);
}

}  // namespace dk::zone
