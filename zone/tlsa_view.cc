#include "zone/tlsa_view.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "base/bounded_parallel.h"
#include "base/files.h"
#include "base/strings.h"
#include "zone/publisher.h"

namespace dk::zone {

std::string rdata_of(const ldns_rr* rr) {
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        ldns::CStringPtr field(ldns_rdf2str(ldns_rr_rdf(rr, i)));
        if (!out.empty()) out += ' ';
        out += field ? lower(field.get()) : std::string("?");
    }
    return out;
}

void select_rrset(const ldns_rr_list* section, const ldns_rdf* name, ldns_rr_type type,
                  ldns_rr_list* rrs, ldns_rr_list* sigs) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(section, i);
        if (ldns_dname_compare(ldns_rr_owner(rr), name) != 0) continue;
        if (ldns_rr_get_type(rr) == type) {
            ldns_rr_list_push_rr(rrs, ldns_rr_clone(rr));
        } else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
                   ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == type) {
            ldns_rr_list_push_rr(sigs, ldns_rr_clone(rr));
        }
    }
}

Status validate_cname_links(const std::vector<SignedRrset>& links, const ldns_rr_list& keys,
                            const ldns_rr_list& key_sigs, const ldns_rr_list* anchors,
                            TimePoint now) {
    for (const auto& link : links) {
        const ldns_rr* first = ldns_rr_list_rr(link.rrs.get(), 0);
        ldns::CStringPtr owner(first ? ldns_rdf2str(ldns_rr_owner(first)) : nullptr);
        const std::string name = owner ? owner.get() : "?";
        if (ldns_rr_list_rr_count(link.sigs.get()) == 0)
            return Error::check_failed("CNAME at " + name + " carries no RRSIG");
        if (auto valid = validate_rrset(*link.rrs, *link.sigs, keys, key_sigs, anchors, now);
            !valid.ok())
            return valid.error().context("CNAME at " + name);
    }
    return Status{};
}

namespace {

Result<ldns::PktPtr> query(const HostPort& server, const std::string& name, ldns_rr_type type,
                           const TransportOptions& transport) {
    return ask_server(server, {name, type}, transport);
}

std::string status_text(ldns_status s) {
    return ldns_get_errorstr_by_id(s);
}

}  // namespace

std::string to_string(ServedVerdict verdict) {
    switch (verdict) {
        case ServedVerdict::unanswered:
            return "unanswered";
        case ServedVerdict::present:
            return "present";
        case ServedVerdict::absent:
            return "absent";
        case ServedVerdict::unvalidated:
            return "unvalidated";
    }
    return "?";
}

std::string server_origin(const ServerView& server) {
    const std::string family = address_family(server.server.host);
    if (family == "name") return "NS " + server.ns_name + ", no address";
    return server.ns_name.empty() ? family : family + ", NS " + server.ns_name;
}

static const ldns_rr* find_cname(const ldns_rr_list* section, const ldns_rdf* name) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(section, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
            ldns_dname_compare(ldns_rr_owner(rr), name) == 0) {
            return rr;
        }
    }
    return nullptr;
}

static bool contains_answer_for(const ldns_rr_list* section, const ldns_rdf* name) {
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i) {
        if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(section, i)), name) == 0) return true;
    }
    return false;
}

Status validate_rrset(const ldns_rr_list& rrset, const ldns_rr_list& sigs, const ldns_rr_list& keys,
                      const ldns_rr_list& key_sigs, const ldns_rr_list* anchors, TimePoint now) {
    // ldns takes non-const lists although it only reads them.
    auto* mrrset = const_cast<ldns_rr_list*>(&rrset);        // NOLINT
    auto* msigs = const_cast<ldns_rr_list*>(&sigs);          // NOLINT
    auto* mkeys = const_cast<ldns_rr_list*>(&keys);          // NOLINT
    auto* mkey_sigs = const_cast<ldns_rr_list*>(&key_sigs);  // NOLINT
    const time_t at = static_cast<time_t>(unix_seconds(now));
    if (ldns_rr_list_rr_count(&sigs) == 0) return Error::check_failed("the RRset carries no RRSIG");
    if (anchors != nullptr) {
        ldns::RrListPtr anchor_keys(ldns_rr_list_new());
        for (std::size_t k = 0; k < ldns_rr_list_rr_count(&keys); ++k) {
            const ldns_rr* key = ldns_rr_list_rr(&keys, k);
            for (std::size_t a = 0; a < ldns_rr_list_rr_count(anchors); ++a) {
                const ldns_rr* anchor = ldns_rr_list_rr(anchors, a);
                const bool match = ldns_rr_get_type(anchor) == LDNS_RR_TYPE_DS
                                       ? ldns_rr_compare_ds(key, anchor)
                                       : ldns_rr_compare(key, anchor) == 0;
                if (match) ldns_rr_list_push_rr(anchor_keys.get(), ldns_rr_clone(key));
            }
        }
        if (ldns_rr_list_rr_count(anchor_keys.get()) == 0) {
            return Error::check_failed("no DNSKEY matches the trust anchor");
        }
        const ldns_status s = ldns_verify_time(mkeys, mkey_sigs, anchor_keys.get(), at, nullptr);
        if (s != LDNS_STATUS_OK) {
            return Error::check_failed("DNSKEY RRset does not validate from the trust anchor: " +
                                       status_text(s));
        }
    }
    const ldns_status s = ldns_verify_time(mrrset, msigs, mkeys, at, nullptr);
    if (s != LDNS_STATUS_OK)
        return Error::check_failed("RRSIG does not validate: " + status_text(s));
    return {};
}

namespace {

// ldns takes a DS digest of any length, even none; such an anchor matches no key, so every
// validation would fail later. Known digest types (SHA-1, SHA-256, SHA-384) have one length.
Status check_ds_digest(const ldns_rr* ds, const std::string& source, int line) {
    const ldns_rdf* type = ldns_rr_rdf(ds, 2);
    const ldns_rdf* digest = ldns_rr_rdf(ds, 3);
    const std::string where = source + ":" + std::to_string(line) + ": ";
    const std::size_t size = digest == nullptr ? 0 : ldns_rdf_size(digest);
    if (size == 0) return Error::bad_input(where + "a DS without a digest");
    if (type == nullptr || ldns_rdf_get_type(type) != LDNS_RDF_TYPE_INT8) return {};
    const unsigned digest_type = ldns_rdf2native_int8(type);
    const std::size_t expected = digest_type == 1   ? 20
                                 : digest_type == 2 ? 32
                                 : digest_type == 4 ? 48
                                                    : size;
    if (size == expected) return {};
    return Error::bad_input(where + "a DS digest of type " + std::to_string(digest_type) + " is " +
                            std::to_string(expected) + " bytes, not " + std::to_string(size));
}

}  // namespace

Result<ldns::RrListPtr> parse_trust_anchors(std::string_view text, const std::string& source) {
    ldns::RrListPtr anchors(ldns_rr_list_new());
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == ';' || line[first] == '#') continue;
        // ldns reads a C string: it would take the line for what comes before the NUL.
        if (line.find('\0') != std::string::npos)
            return Error::bad_input(source + ":" + std::to_string(number) + ": a NUL byte");
        ldns_rr* rr = nullptr;
        const ldns_status s = ldns_rr_new_frm_str(&rr, line.c_str(), 3600, nullptr, nullptr);
        if (s != LDNS_STATUS_OK)
            return Error::bad_input(source + ":" + std::to_string(number) + ": " + status_text(s));
        ldns::RrPtr owned(rr);
        if (!ldns::type_and_class_fit(*rr))
            return Error::bad_input(source + ":" + std::to_string(number) +
                                    ": a type or class number beyond 65535");
        const auto type = ldns_rr_get_type(rr);
        if (type != LDNS_RR_TYPE_DS && type != LDNS_RR_TYPE_DNSKEY) {
            return Error::bad_input(source + ":" + std::to_string(number) +
                                    ": a trust anchor is a DS or DNSKEY record");
        }
        if (type == LDNS_RR_TYPE_DS) DK_TRY_STATUS(check_ds_digest(rr, source, number));
        ldns_rr_list_push_rr(anchors.get(), owned.release());
    }
    if (ldns_rr_list_rr_count(anchors.get()) == 0)
        return Error::bad_input(source + ": no DS or DNSKEY record");
    return anchors;
}

Result<std::vector<std::string>> trust_anchor_ds_texts(std::string_view text,
                                                       const std::string& source) {
    DK_TRY(ldns::RrListPtr rrs, parse_trust_anchors(text, source));
    std::vector<std::string> out;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(rrs.get()); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(rrs.get(), i);
        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS) continue;
        ldns::CStringPtr line(ldns_rr2str(rr));
        if (!line) continue;
        std::string s(line.get());
        while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
        std::replace(s.begin(), s.end(), '\t', ' ');
        out.push_back(s);
    }
    return out;
}

Result<TlsaView> TlsaView::create(TlsaViewOptions options) {
    if (options.servers.empty()) return Error::bad_input("no authoritative servers to observe");
    ldns::RrListPtr anchors;
    if (options.parent_ds) {
        // Anchored at the parent: what it serves validated, and nothing else (none: no key
        // matches, so nothing validates).
        anchors.reset(ldns_rr_list_new());
        std::string text;
        for (const auto& ds : *options.parent_ds) text += ds + "\n";
        if (!text.empty()) {
            DK_TRY(anchors, parse_trust_anchors(text, "the parent's DS RRset"));
        }
    } else if (options.trust_anchor_file) {
        DK_TRY(std::string text, files::read_limited(*options.trust_anchor_file));
        DK_TRY(anchors, parse_trust_anchors(text, *options.trust_anchor_file));
        std::string vouched;
        for (const auto& ds : options.vouched_ds) vouched += ds + "\n";
        if (!vouched.empty()) {
            DK_TRY(ldns::RrListPtr more, parse_trust_anchors(vouched, "the zone's managed keys"));
            while (ldns_rr_list_rr_count(more.get()) > 0)
                ldns_rr_list_push_rr(anchors.get(), ldns_rr_list_pop_rr(more.get()));
        }
    }
    return TlsaView(std::move(options), std::move(anchors));
}

std::vector<ServerView> TlsaView::observe(const std::string& owner, TimePoint now) {
    return std::move(observe_all({owner}, now).front());
}

std::vector<std::vector<ServerView>> TlsaView::observe_all(const std::vector<std::string>& owners,
                                                           TimePoint now, std::size_t concurrency) {
    const std::size_t servers = options_.servers.size();
    std::vector<std::vector<ServerView>> out(owners.size(), std::vector<ServerView>(servers));
    for_each_bounded(owners.size() * servers, concurrency, [&](std::size_t i) {
        const HostPort& server = options_.servers[i % servers];
        ServerView& view = out[i / servers][i % servers];
        view = ask(server, owners[i / servers], now);
        if (auto it = options_.ns_names.find(server.to_string()); it != options_.ns_names.end())
            view.ns_name = it->second;
    });
    for (auto& views : out) add_unresolved(views);
    return out;
}

void TlsaView::add_unresolved(std::vector<ServerView>& out) const {
    for (const auto& name : options_.unresolved) {
        ServerView view;
        view.server = HostPort{name.ns_name, 53};
        view.ns_name = name.ns_name;
        view.problem = "NS " + name.ns_name + " cannot be resolved: " + name.problem;
        out.push_back(std::move(view));
    }
}

ServerView TlsaView::ask(const HostPort& server, const std::string& owner, TimePoint now) {
    ServerView view;
    view.server = server;
    auto fail = [&](const std::string& why) {
        view.problem = server.to_string() + ": " + why;
        return view;
    };
    auto serial = query_soa_serial(server, options_.transport, options_.zone);
    if (!serial.ok()) return fail(serial.error().message);
    view.serial = *serial;
    auto reply = query(server, owner, LDNS_RR_TYPE_TLSA, options_.transport);
    if (!reply.ok()) return fail(reply.error().message);
    const auto rcode = ldns_pkt_get_rcode(reply->get());
    if (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN)
        return fail("answered rcode " + std::to_string(rcode));
    if (!ldns_pkt_aa(reply->get())) return fail("not authoritative for " + owner);
    ldns::RdfPtr name(ldns_dname_new_frm_str(owner.c_str()));
    // Follow CNAMEs in the answer (owner -> shared RRset); the TLSA sits at the last name.
    std::vector<SignedRrset> links;  // each CNAME with its RRSIGs, validated below
    for (int hops = 0; hops < 8; ++hops) {
        const ldns_rr* cname = find_cname(ldns_pkt_answer(reply->get()), name.get());
        if (cname == nullptr) break;
        auto& link = links.emplace_back();
        select_rrset(ldns_pkt_answer(reply->get()), name.get(), LDNS_RR_TYPE_CNAME, link.rrs.get(),
                     link.sigs.get());
        view.cname_ttl_max = std::max(view.cname_ttl_max, ldns_rr_ttl(cname));
        name.reset(ldns_rdf_clone(ldns_rr_rdf(cname, 0)));
        ldns::CStringPtr target(ldns_rdf2str(name.get()));
        view.cname_chain.emplace_back(target ? target.get() : "?");
        if (!contains_answer_for(ldns_pkt_answer(reply->get()), name.get())) {
            // The server did not chase it (out of zone or a partial answer): ask for the target.
            reply = query(server, view.cname_chain.back(), LDNS_RR_TYPE_TLSA, options_.transport);
            if (!reply.ok()) return fail(reply.error().message);
        }
    }
    ldns::RrListPtr tlsa(ldns_rr_list_new());
    ldns::RrListPtr sigs(ldns_rr_list_new());
    select_rrset(ldns_pkt_answer(reply->get()), name.get(), LDNS_RR_TYPE_TLSA, tlsa.get(),
                 sigs.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(tlsa.get()); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(tlsa.get(), i);
        view.ttl = ldns_rr_ttl(rr);
        view.rdatas.push_back(rdata_of(rr));
    }
    std::sort(view.rdatas.begin(), view.rdatas.end());
    const ldns_rr_list* authority = ldns_pkt_authority(reply->get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(authority); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(authority, i);
        if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && ldns_rr_rd_count(rr) >= 7) {
            view.negative_ttl =
                std::min(ldns_rr_ttl(rr), ldns_rdf2native_int32(ldns_rr_rdf(rr, 6)));
        }
    }
    view.answered = true;
    view.verdict = ServedVerdict::unvalidated;  // until the RRSIGs or the denial check out
    if (!view.rdatas.empty() && ldns_rr_list_rr_count(sigs.get()) == 0)
        return fail("TLSA at " + owner + " carries no RRSIG");
    // The DNSKEY RRset, itself validated against the trust anchor when one is configured.
    auto keys_reply = query(server, options_.zone, LDNS_RR_TYPE_DNSKEY, options_.transport);
    if (!keys_reply.ok()) return fail(keys_reply.error().message);
    ldns::RdfPtr apex(ldns_dname_new_frm_str(options_.zone.c_str()));
    ldns::RrListPtr keys(ldns_rr_list_new());
    ldns::RrListPtr key_sigs(ldns_rr_list_new());
    select_rrset(ldns_pkt_answer(keys_reply->get()), apex.get(), LDNS_RR_TYPE_DNSKEY, keys.get(),
                 key_sigs.get());
    if (auto valid = validate_cname_links(links, *keys, *key_sigs, anchors_.get(), now);
        !valid.ok())
        return fail(valid.error().message);
    if (view.rdatas.empty()) {
        // Nothing published is "absent" only when the NSEC/NSEC3 records prove it.
        auto proof = verify_denial(*ldns_pkt_authority(reply->get()), *name, LDNS_RR_TYPE_TLSA,
                                   *apex, *keys, *key_sigs, anchors_.get(), now);
        if (!proof.ok()) return fail("empty answer, not validated: " + proof.error().message);
        view.denial = *proof;
        view.verdict = ServedVerdict::absent;
        view.validated = true;
        return view;
    }
    const ldns_rr* sig = ldns_rr_list_rr(sigs.get(), 0);
    view.rrsig_original_ttl = ldns_rdf2native_int32(ldns_rr_rrsig_origttl(sig));
    view.rrsig_expiration =
        from_unix_seconds(ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig)));
    view.rrsig_inception = from_unix_seconds(ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig)));
    if (auto valid = validate_rrset(*tlsa, *sigs, *keys, *key_sigs, anchors_.get(), now);
        !valid.ok()) {
        return fail(valid.error().message);
    }
    view.verdict = ServedVerdict::present;
    view.validated = true;
    return view;
}

}  // namespace dk::zone
