#include "zone/parent_ds.h"

#include <algorithm>

#include "base/files.h"
#include "base/strings.h"
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
        if (!s.found) {
            check.findings.push_back(s.server.host + ": parent server not found: " + s.problem);
            add_fix(check, "make the resolver answer for " + check.parent_zone +
                               "'s NS RRset and its servers' A and AAAA, or list the servers "
                               "in parent_servers");
            continue;
        }
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
        out.push_back(std::move(match));
    }
    // A DS of no served KSK beside one that matches is what a KSK rollover looks like (the
    // incoming KSK's DS published early, or the outgoing one's not yet withdrawn): the zone
    // still validates, so it is worth knowing, not a problem. With no DS matching, nothing
    // validates.
    const bool one_matches =
        std::any_of(out.begin(), out.end(), [](const DsMatch& m) { return m.ksk.has_value(); });
    for (const auto& match : out) {
        if (match.ksk) continue;
        if (one_matches) {
            check.notes.push_back("DS " + match.ds + " matches no KSK " + check.zone +
                                  " serves (a KSK rollover's incoming or outgoing DS?); another "
                                  "DS matches and validates the zone");
            continue;
        }
        check.findings.push_back("DS " + match.ds + " matches no KSK " + check.zone + " serves");
        add_fix(check, "put the DS of a KSK " + check.zone +
                           " serves at the parent and remove the others (danekeeper dnssec ds " +
                           check.zone + " prints it for a signed-file zone)");
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

namespace {

std::vector<ParentDsAtServer> ask_parent_servers(const std::vector<HostPort>& parent_servers,
                                                 const std::string& zone,
                                                 const ParentAnchor& anchor,
                                                 const TransportOptions& transport, TimePoint now) {
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
    return servers;
}

// An RRset (and its RRSIGs) the resolver answered, with the reply it came in.
struct ResolverRrset {
    ldns::PktPtr reply;
    ldns::RrListPtr rrs{ldns_rr_list_new()};
    ldns::RrListPtr sigs{ldns_rr_list_new()};
};

Result<ResolverRrset> ask_resolver_rrset(const HostPort& resolver, const std::string& name,
                                         ldns_rr_type type, const TransportOptions& transport) {
    ResolverRrset out;
    DK_TRY(out.reply, ask_server(resolver, {name, type, true}, transport));
    const auto rcode = ldns_pkt_get_rcode(out.reply.get());
    if (rcode != LDNS_RCODE_NOERROR) {
        ldns::CStringPtr text(ldns_pkt_rcode2str(rcode));
        return Error::environment("the resolver answered " + std::string(text ? text.get() : "?"));
    }
    ldns::RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
    if (!owner) return Error::bad_input("bad name " + name);
    select_rrset(ldns_pkt_answer(out.reply.get()), owner.get(), type, out.rrs.get(),
                 out.sigs.get());
    return out;
}

// The addresses of one family of an NS name: with the resolver's AD bit, or validated with the
// parent's keys (records, or their absence by the parent's NSEC/NSEC3).
Result<std::vector<std::string>> proven_addresses(const HostPort& resolver, const std::string& name,
                                                  ldns_rr_type type, const ldns_rdf& parent,
                                                  const ResolverRrset& keys,
                                                  const ldns_rr_list& anchors,
                                                  const TransportOptions& transport,
                                                  TimePoint now) {
    DK_TRY(ResolverRrset found, ask_resolver_rrset(resolver, name, type, transport));
    std::vector<std::string> addresses;
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(found.rrs.get()); ++i)
        addresses.push_back(rdata_of(ldns_rr_list_rr(found.rrs.get(), i)));
    if (ldns_pkt_ad(found.reply.get())) return addresses;
    if (!addresses.empty()) {
        auto s = validate_rrset(*found.rrs, *found.sigs, *keys.rrs, *keys.sigs, &anchors, now);
        if (!s.ok())
            return Error::check_failed("no AD bit, and not validated with the parent's keys: " +
                                       s.error().message);
        return addresses;
    }
    ldns::RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
    auto proof = verify_denial(*ldns_pkt_authority(found.reply.get()), *owner, type, parent,
                               *keys.rrs, *keys.sigs, &anchors, now);
    if (!proof.ok())
        return Error::check_failed("none, without AD, and its absence is not proven: " +
                                   proof.error().message);
    return addresses;
}

// A zone's DNSKEY RRset through the resolver, validated from `anchors` (its DS or DNSKEY).
Result<ResolverRrset> trusted_keys(const HostPort& resolver, const std::string& zone,
                                   const ldns_rr_list& anchors, const TransportOptions& transport,
                                   TimePoint now) {
    DK_TRY(ResolverRrset keys, ask_resolver_rrset(resolver, zone, LDNS_RR_TYPE_DNSKEY, transport));
    if (ldns_rr_list_rr_count(keys.rrs.get()) == 0)
        return Error::check_failed(zone + " DNSKEY: no DNSKEY RRset");
    if (auto s = validate_rrset(*keys.rrs, *keys.sigs, *keys.rrs, *keys.sigs, &anchors, now);
        !s.ok())
        return Error::check_failed(zone + " DNSKEY: " + s.error().message);
    return keys;
}

std::string name_text(const ldns_rdf& name) {
    ldns::CStringPtr text(ldns_rdf2str(&name));
    return text ? text.get() : "?";
}

// A check that proves nothing because the chain from the anchor down to the parent broke.
ParentDsCheck broken_chain(const std::string& zone, const ParentAnchor& anchor,
                           const std::string& anchor_file, const Error& why) {
    ParentDsCheck check;
    check.zone = zone;
    check.parent_zone = anchor.parent_zone;
    check.anchor_source = anchor_file;
    check.findings.push_back("the chain of trust from " + anchor.parent_zone + " down to " + zone +
                             ": " + why.message);
    add_fix(check, "make the resolver answer for every zone between " + anchor.parent_zone +
                       " and " + zone + " (DS and DNSKEY, signed), or put the parent's own DS in " +
                       anchor_file);
    return check;
}

}  // namespace

Result<ParentAnchor> follow_chain(const HostPort& resolver, ParentAnchor anchor,
                                  const std::string& zone, const TransportOptions& transport,
                                  TimePoint now) {
    ldns::RdfPtr child(ldns_dname_new_frm_str(zone.c_str()));
    ldns::RdfPtr top(ldns_dname_new_frm_str(anchor.parent_zone.c_str()));
    if (!child || !top) return Error::bad_input("bad zone name " + zone);
    const std::size_t zone_labels = ldns_dname_label_count(child.get());
    const std::size_t top_labels = ldns_dname_label_count(top.get());
    if (top_labels + 1 >= zone_labels) return anchor;  // the anchor's zone is the parent
    DK_TRY(ResolverRrset keys,
           trusted_keys(resolver, anchor.parent_zone, *anchor.anchors, transport, now));
    ParentAnchor current = std::move(anchor);
    ldns::RdfPtr apex = std::move(top);
    int delegations = 0;
    for (std::size_t labels = top_labels + 1; labels < zone_labels; ++labels) {
        ldns::RdfPtr name(
            ldns_dname_clone_from(child.get(), static_cast<std::uint16_t>(zone_labels - labels)));
        if (!name) return Error::bad_input("bad zone name " + zone);
        const std::string text = name_text(*name);
        DK_TRY(ResolverRrset ds, ask_resolver_rrset(resolver, text, LDNS_RR_TYPE_DS, transport));
        if (ldns_rr_list_rr_count(ds.rrs.get()) == 0) {
            // No zone cut with a DS here: the keys above go on, if their NSEC/NSEC3 proves it.
            auto proof = verify_denial(*ldns_pkt_authority(ds.reply.get()), *name, LDNS_RR_TYPE_DS,
                                       *apex, *keys.rrs, *keys.sigs, current.anchors.get(), now);
            if (!proof.ok())
                return Error::check_failed(
                    text + " DS: none, and its absence is not proven: " + proof.error().message);
            continue;
        }
        if (++delegations > max_chain_depth)
            return Error::check_failed("more than " + std::to_string(max_chain_depth) +
                                       " delegations between the anchor and " + zone);
        if (auto s = validate_rrset(*ds.rrs, *ds.sigs, *keys.rrs, *keys.sigs, current.anchors.get(),
                                    now);
            !s.ok())
            return Error::check_failed(text + " DS: " + s.error().message);
        ParentAnchor next;
        next.parent_zone = text;
        next.anchors.reset(ldns_rr_list_clone(ds.rrs.get()));
        DK_TRY(keys, trusted_keys(resolver, text, *next.anchors, transport, now));
        current = std::move(next);
        apex = std::move(name);
    }
    return current;
}

Result<ParentDsCheck> check_parent_ds(const std::vector<HostPort>& parent_servers,
                                      const std::string& zone, const std::string& anchor_file,
                                      const TransportOptions& transport, TimePoint now,
                                      const std::optional<HostPort>& resolver) {
    DK_TRY(ParentAnchor anchor, read_parent_anchor(anchor_file, zone));
    if (resolver) {
        auto parent = follow_chain(
            *resolver,
            {anchor.parent_zone, ldns::RrListPtr(ldns_rr_list_clone(anchor.anchors.get()))}, zone,
            transport, now);
        if (!parent.ok()) return broken_chain(zone, anchor, anchor_file, parent.error());
        anchor = std::move(*parent);
    }
    return summarize_parent_ds(zone, anchor.parent_zone, anchor_file,
                               ask_parent_servers(parent_servers, zone, anchor, transport, now));
}

Result<ParentServers> discover_parent_servers(const HostPort& resolver, const ParentAnchor& anchor,
                                              const TransportOptions& transport, TimePoint now) {
    const std::string& parent = anchor.parent_zone;
    ldns::RdfPtr apex(ldns_dname_new_frm_str(parent.c_str()));
    if (!apex) return Error::bad_input("bad zone name " + parent);
    ParentServers out;
    auto keys = trusted_keys(resolver, parent, *anchor.anchors, transport, now);
    if (!keys.ok()) {
        out.problems.push_back({parent, "its DNSKEY RRset through the resolver " +
                                            resolver.to_string() + ": " + keys.error().message});
        return out;
    }
    auto ns = ask_resolver_rrset(resolver, parent, LDNS_RR_TYPE_NS, transport);
    if (ns.ok() && ldns_rr_list_rr_count(ns->rrs.get()) == 0)
        ns = Error::check_failed("no NS RRset");
    Status ns_trusted = ns.ok() ? validate_rrset(*ns->rrs, *ns->sigs, *keys->rrs, *keys->sigs,
                                                 anchor.anchors.get(), now)
                                : Status(ns.error());
    if (!ns_trusted.ok()) {
        out.problems.push_back({parent, "its NS RRset through the resolver " +
                                            resolver.to_string() + ": " +
                                            ns_trusted.error().message});
        return out;
    }
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(ns->rrs.get()); ++i) {
        const std::string name = rdata_of(ldns_rr_list_rr(ns->rrs.get(), i));
        std::vector<std::string> addresses;
        std::vector<std::string> errors;
        for (ldns_rr_type type : {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA}) {
            auto found = proven_addresses(resolver, name, type, *apex, *keys, *anchor.anchors,
                                          transport, now);
            if (!found.ok()) {
                errors.push_back(std::string(type == LDNS_RR_TYPE_A ? "A" : "AAAA") + ": " +
                                 found.error().message);
                continue;
            }
            addresses.insert(addresses.end(), found->begin(), found->end());
        }
        if (errors.empty() && addresses.empty()) errors.push_back("no A or AAAA record");
        if (!errors.empty()) {  // one family's addresses are not all of this server
            out.problems.push_back({name, "no proven address: " + join(errors, "; ")});
            continue;
        }
        for (const auto& address : addresses) {
            const HostPort server{address, 53};
            if (std::find(out.servers.begin(), out.servers.end(), server) == out.servers.end())
                out.servers.push_back(server);
        }
    }
    return out;
}

Result<ParentDsCheck> check_parent_ds_discovered(const HostPort& resolver, const std::string& zone,
                                                 const std::string& anchor_file,
                                                 const TransportOptions& transport, TimePoint now) {
    DK_TRY(ParentAnchor from_file, read_parent_anchor(anchor_file, zone));
    auto followed = follow_chain(
        resolver,
        {from_file.parent_zone, ldns::RrListPtr(ldns_rr_list_clone(from_file.anchors.get()))}, zone,
        transport, now);
    if (!followed.ok()) return broken_chain(zone, from_file, anchor_file, followed.error());
    const ParentAnchor& anchor = *followed;
    DK_TRY(ParentServers found, discover_parent_servers(resolver, anchor, transport, now));
    auto servers = ask_parent_servers(found.servers, zone, anchor, transport, now);
    // A server that could not be found is one that was not asked: it proves nothing, like one
    // that does not answer (named by its NS name, or the parent zone when no NS RRset is proven).
    for (const auto& problem : found.problems) {
        ParentDsAtServer missing;
        missing.server = {problem.name, 53};
        missing.found = false;
        missing.problem = problem.why;
        servers.push_back(std::move(missing));
    }
    return summarize_parent_ds(zone, anchor.parent_zone, anchor_file, std::move(servers));
}

}  // namespace dk::zone
