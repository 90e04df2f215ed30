#include "zone/parent_ds.h"

#include <algorithm>

#include "base/files.h"
#include "zone/denial_proof.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

std::string wire_of(const ldns_rr* rr) {
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* f = ldns_rr_rdf(rr, i);
        out.append(reinterpret_cast<const char*>(ldns_rdf_data(f)), ldns_rdf_size(f));
    }
    return out;
}

// An authoritative NOERROR reply, or why not.
Status authoritative(const ldns_pkt& reply, const std::string& what) {
    const auto rcode = ldns_pkt_get_rcode(&reply);
    if (rcode != LDNS_RCODE_NOERROR) {
        ldns::CStringPtr text(ldns_pkt_rcode2str(rcode));
        return Error::environment(what + ": answered " + (text ? text.get() : "?"));
    }
    if (!ldns_pkt_aa(&reply))
        return Error::environment(what + ": not authoritative (a referral: is it the parent?)");
    return {};
}

// Judges a reply pair; fills `out` and returns why it is not validated (empty when it is).
std::string judge(ParentDsAtServer& out, const std::string& zone, const std::string& parent_zone,
                  const ldns_pkt& dnskey_reply, const ldns_pkt& ds_reply,
                  const ldns_rr_list& anchors, TimePoint now) {
    if (auto s = authoritative(dnskey_reply, parent_zone + " DNSKEY"); !s.ok())
        return s.error().message;
    ldns::RdfPtr parent(ldns_dname_new_frm_str(parent_zone.c_str()));
    ldns::RdfPtr child(ldns_dname_new_frm_str(zone.c_str()));
    if (!parent || !child) return "bad zone name " + zone + " or " + parent_zone;
    ldns::RrListPtr keys(ldns_rr_list_new());
    ldns::RrListPtr key_sigs(ldns_rr_list_new());
    select_rrset(ldns_pkt_answer(&dnskey_reply), parent.get(), LDNS_RR_TYPE_DNSKEY, keys.get(),
                 key_sigs.get());
    if (ldns_rr_list_rr_count(keys.get()) == 0) return parent_zone + " DNSKEY: no DNSKEY RRset";
    if (auto s = validate_rrset(*keys, *key_sigs, *keys, *key_sigs, &anchors, now); !s.ok())
        return parent_zone + " DNSKEY: " + s.error().message;
    if (auto s = authoritative(ds_reply, zone + " DS"); !s.ok()) return s.error().message;
    out.answered = true;
    ldns::RrListPtr ds(ldns_rr_list_new());
    ldns::RrListPtr sigs(ldns_rr_list_new());
    select_rrset(ldns_pkt_answer(&ds_reply), child.get(), LDNS_RR_TYPE_DS, ds.get(), sigs.get());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(ds.get()); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(ds.get(), i);
        out.ds.push_back(rdata_of(rr));
        out.ds_wire.push_back(wire_of(rr));
        out.ttl = i == 0 ? ldns_rr_ttl(rr) : std::min(out.ttl, ldns_rr_ttl(rr));
    }
    std::sort(out.ds.begin(), out.ds.end());
    std::sort(out.ds_wire.begin(), out.ds_wire.end());
    if (out.ds.empty()) {
        // No DS: an insecure delegation, but only when the parent's NSEC/NSEC3 proves it.
        auto proof = verify_denial(*ldns_pkt_authority(&ds_reply), *child, LDNS_RR_TYPE_DS, *parent,
                                   *keys, *key_sigs, &anchors, now);
        if (!proof.ok()) return "no DS, and its absence is not proven: " + proof.error().message;
        return {};
    }
    if (auto s = validate_rrset(*ds, *sigs, *keys, *key_sigs, &anchors, now); !s.ok())
        return zone + " DS: " + s.error().message;
    return {};
}

void add_fix(ParentDsCheck& check, std::string fix) {
    if (std::find(check.fixes.begin(), check.fixes.end(), fix) == check.fixes.end())
        check.fixes.push_back(std::move(fix));
}

std::vector<std::string> intersect(std::vector<std::string> a, const std::vector<std::string>& b) {
    std::vector<std::string> out;
    std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

}  // namespace

ParentDsAtServer judge_parent_server(const HostPort& server, const std::string& zone,
                                     const std::string& parent_zone, const ldns_pkt& dnskey_reply,
                                     const ldns_pkt& ds_reply, const ldns_rr_list& anchors,
                                     TimePoint now) {
    ParentDsAtServer out;
    out.server = server;
    out.problem = judge(out, zone, parent_zone, dnskey_reply, ds_reply, anchors, now);
    out.validated = out.problem.empty();
    return out;
}

ParentDsCheck summarize_parent_ds(std::string zone, std::string parent_zone,
                                  std::string anchor_source,
                                  std::vector<ParentDsAtServer> servers) {
    ParentDsCheck check;
    check.zone = std::move(zone);
    check.parent_zone = std::move(parent_zone);
    check.anchor_source = std::move(anchor_source);
    check.servers = std::move(servers);
    if (check.servers.empty()) {
        check.findings.push_back("no parent servers to ask for the DS");
        add_fix(check, "list the servers of " + check.parent_zone + " in parent_servers");
    }
    std::optional<std::vector<std::string>> common;
    for (const auto& s : check.servers) {
        const std::string name = s.server.to_string();
        if (!s.validated) {
            check.findings.push_back(name + ": DS of " + check.zone +
                                     " not validated: " + s.problem);
            add_fix(check, "make " + name + " answer for " + check.parent_zone +
                               " (or take it out of parent_servers), and keep " +
                               check.anchor_source + " at " + check.parent_zone +
                               "'s current DS or DNSKEY");
            continue;
        }
        if (s.ds.empty()) {
            check.findings.push_back(name + ": no DS for " + check.zone + " (proven absent)");
            add_fix(check, "put the DS of " + check.zone + "'s KSK at the parent (danekeeper " +
                               "dnssec ds " + check.zone + " prints it for a signed-file zone)");
        } else if (common && *common != s.ds) {
            check.findings.push_back(name + ": serves another DS RRset than " +
                                     check.servers.front().server.to_string());
            add_fix(check, "wait until every server of " + check.parent_zone +
                               " serves the same DS RRset (a change still propagating), or " +
                               "correct the one that differs");
        }
        common = common ? intersect(*common, s.ds) : s.ds;
    }
    // Only what every server serves validated anchors the zone; a server that fails proves none.
    const bool every_validated = std::all_of(check.servers.begin(), check.servers.end(),
                                             [](const auto& s) { return s.validated; });
    if (common && every_validated) {
        for (const auto& ds : *common) check.validated_ds.push_back(check.zone + " IN DS " + ds);
    }
    return check;
}

std::vector<DsMatch> match_ds_to_ksks(ParentDsCheck& check, const ldns_rr_list& dnskeys) {
    std::vector<DsMatch> out;
    for (const auto& line : check.validated_ds) {
        DsMatch match;
        match.ds = line.substr(line.find(" IN DS ") + 7);
        ldns_rr* parsed = nullptr;
        if (ldns_rr_new_frm_str(&parsed, line.c_str(), 3600, nullptr, nullptr) == LDNS_STATUS_OK) {
            ldns::RrPtr ds(parsed);
            for (std::size_t i = 0; i < ldns_rr_list_rr_count(&dnskeys); ++i) {
                const ldns_rr* key = ldns_rr_list_rr(&dnskeys, i);
                const bool ksk = (ldns_rdf2native_int16(ldns_rr_rdf(key, 0)) & LDNS_KEY_SEP_KEY);
                if (ksk && ldns_rr_compare_ds(key, ds.get()))
                    match.ksk = static_cast<std::uint16_t>(ldns_calc_keytag(key));
            }
        }
        if (!match.ksk) {
            check.findings.push_back("DS " + match.ds + " matches no KSK " + check.zone +
                                     " serves");
            add_fix(check, "put the DS of a KSK " + check.zone +
                               " serves at the parent and remove the others (danekeeper dnssec "
                               "ds " +
                               check.zone + " prints it for a signed-file zone)");
        }
        out.push_back(std::move(match));
    }
    check.matches = out;
    return out;
}

Result<ldns::RrListPtr> served_dnskeys(const HostPort& server, const std::string& zone,
                                       const TransportOptions& transport) {
    DK_TRY(ldns::PktPtr reply, ask_server(server, {zone, LDNS_RR_TYPE_DNSKEY}, transport));
    DK_TRY_STATUS(authoritative(*reply, server.to_string() + ": " + zone + " DNSKEY"));
    ldns::RdfPtr apex(ldns_dname_new_frm_str(zone.c_str()));
    if (!apex) return Error::bad_input("bad zone name " + zone);
    ldns::RrListPtr keys(ldns_rr_list_new());
    ldns::RrListPtr sigs(ldns_rr_list_new());
    select_rrset(ldns_pkt_answer(reply.get()), apex.get(), LDNS_RR_TYPE_DNSKEY, keys.get(),
                 sigs.get());
    return keys;
}

Result<ParentAnchor> read_parent_anchor(const std::string& anchor_file, const std::string& zone) {
    DK_TRY(std::string text, files::read_limited(anchor_file));
    DK_TRY(ldns::RrListPtr rrs, parse_trust_anchors(text, anchor_file));
    ldns::RdfPtr child(ldns_dname_new_frm_str(zone.c_str()));
    if (!child) return Error::bad_input("bad zone name " + zone);
    // The closest ancestor of the zone among the anchors' owners is its parent zone.
    const ldns_rdf* best = nullptr;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(rrs.get()); ++i) {
        const ldns_rdf* owner = ldns_rr_owner(ldns_rr_list_rr(rrs.get(), i));
        const bool above = ldns_dname_label_count(owner) == 0  // the root
                               ? ldns_dname_label_count(child.get()) > 0
                               : ldns_dname_is_subdomain(child.get(), owner);
        if (!above) continue;
        if (best == nullptr || ldns_dname_label_count(owner) > ldns_dname_label_count(best))
            best = owner;
    }
    if (best == nullptr)
        return Error::bad_input(anchor_file + ": no DS or DNSKEY of a zone above " + zone);
    ParentAnchor out;
    ldns::CStringPtr name(ldns_rdf2str(best));
    out.parent_zone = name ? name.get() : "?";
    out.anchors.reset(ldns_rr_list_new());
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(rrs.get()); ++i) {
        const ldns_rr* rr = ldns_rr_list_rr(rrs.get(), i);
        if (ldns_dname_compare(ldns_rr_owner(rr), best) == 0)
            ldns_rr_list_push_rr(out.anchors.get(), ldns_rr_clone(rr));
    }
    return out;
}

Result<ParentDsCheck> check_parent_ds(const std::vector<HostPort>& parent_servers,
                                      const std::string& zone, const std::string& anchor_file,
                                      const TransportOptions& transport, TimePoint now) {
    DK_TRY(ParentAnchor anchor, read_parent_anchor(anchor_file, zone));
    std::vector<ParentDsAtServer> servers;
    for (const auto& server : parent_servers) {
        auto unanswered = [&](const Error& why) {
            ParentDsAtServer failed;
            failed.server = server;
            failed.problem = why.message;
            servers.push_back(std::move(failed));
        };
        auto keys = ask_server(server, {anchor.parent_zone, LDNS_RR_TYPE_DNSKEY}, transport);
        if (!keys.ok()) {
            unanswered(keys.error());
            continue;
        }
        auto ds = ask_server(server, {zone, LDNS_RR_TYPE_DS}, transport);
        if (!ds.ok()) {
            unanswered(ds.error());
            continue;
        }
        servers.push_back(judge_parent_server(server, zone, anchor.parent_zone, **keys, **ds,
                                              *anchor.anchors, now));
    }
    return summarize_parent_ds(zone, anchor.parent_zone, anchor_file, std::move(servers));
}

}  // namespace dk::zone
