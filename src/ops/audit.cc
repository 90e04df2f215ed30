#include "ops/audit.h"

#include <algorithm>

#include "base/strings.h"

namespace dk::ops {
namespace {

std::vector<Requirement> emlreq_2(const AddressEvidence& a) {
    const std::string session = a.tls_version + " " + a.cipher;
    const bool modern = a.tls_version == "TLSv1.2" || a.tls_version == "TLSv1.3";
    return {
        {"EMLREQ_2", "tls_offered", a.tls,
         a.tls ? "handshake completed: " + session
               : (a.problem.empty() ? "no TLS handshake" : a.problem)},
        {"EMLREQ_2", "tls_version", a.tls && modern,
         a.tls ? a.tls_version + (modern ? "" : " (TLS 1.2 or 1.3 required)") : "no TLS"},
        {"EMLREQ_2", "forward_secrecy", a.tls && a.forward_secret,
         a.tls ? a.cipher + (a.forward_secret ? " (ephemeral key exchange)"
                                              : " (no ephemeral key exchange)")
               : "no TLS"},
    };
}

std::string server_line(const ServerEvidence& s) {
    if (!s.answered) return s.server + ": no answer: " + s.problem;
    std::string line =
        s.server + ": serial " + std::to_string(s.serial) + ", " +
        (s.validated ? "validated"
                     : "NOT validated" + (s.problem.empty() ? "" : " (" + s.problem + ")"));
    if (s.rrsig_expiration) line += ", RRSIG expires " + iso_time(*s.rrsig_expiration);
    return line;
}

// The owner and, when the servers answer through CNAMEs (a shared TLSA owner), where they lead.
std::string owner_path(const EndpointEvidence& e) {
    if (e.servers.empty() || e.servers.front().cnames.empty()) return e.owner;
    return e.owner + " (CNAME -> " + join(e.servers.front().cnames, " -> ") + ")";
}

std::vector<Requirement> emlreq_4_dns(const EndpointEvidence& e, const AuditPolicy& policy,
                                      TimePoint now) {
    std::vector<std::string> lines;
    for (const auto& s : e.servers) lines.push_back(server_line(s));
    const bool all_answered =
        !e.servers.empty() &&
        std::all_of(e.servers.begin(), e.servers.end(), [](const auto& s) { return s.answered; });
    const bool all_validated =
        all_answered &&
        std::all_of(e.servers.begin(), e.servers.end(), [](const auto& s) { return s.validated; });
    const bool anchored = !policy.trust_anchor_ds.empty();
    const bool present =
        all_answered && std::all_of(e.servers.begin(), e.servers.end(), [&](const auto& s) {
            return !s.rdatas.empty() && s.rdatas == e.servers.front().rdatas;
        });
    std::optional<TimePoint> first_expiry;
    for (const auto& s : e.servers) {
        if (s.rrsig_expiration && (!first_expiry || *s.rrsig_expiration < *first_expiry))
            first_expiry = s.rrsig_expiration;
    }
    const long long left = first_expiry ? unix_seconds(*first_expiry) - unix_seconds(now) : 0;
    return {
        {"EMLREQ_4", "zone_signed_chain_of_trust", all_validated && anchored,
         (anchored ? "" : "no DS trust anchor configured; ") + join(lines, "; ")},
        {"EMLREQ_4", "ds_matches_dnskey", all_validated && anchored,
         anchored ? "DS " + join(policy.trust_anchor_ds, ", ") +
                        (all_validated ? " matches the DNSKEY that signs the zone's keys"
                                       : " does not validate the served DNSKEY RRset")
                  : "no DS trust anchor configured"},
        {"EMLREQ_4", "tlsa_present", present,
         present
             ? owner_path(e) + " TLSA " + join(e.servers.front().rdatas, ", ") + " at every server"
             : owner_path(e) + ": not the same non-empty TLSA RRset at every server"},
        {"EMLREQ_4", "tlsa_validated", present && all_validated,
         e.owner + (present && all_validated ? ": RRSIGs validate at every server"
                                             : ": not validated everywhere")},
        {"EMLREQ_4", "rrsig_time_left", first_expiry.has_value() && left > 0,
         first_expiry
             ? std::to_string(left) + " s left (first expiry " + iso_time(*first_expiry) + ")"
             : "no RRSIG seen"},
    };
}

Requirement dane_match(const AddressEvidence& a) {
    return {
        "EMLREQ_4", "tlsa_matches_served_chain", a.dane_ok,
        a.dane_ok
            ? "leaf SPKI " + a.leaf_spki_sha256 + " matched " + a.matched +
                  (a.also_matched.empty()
                       ? ""
                       : "; the sent chain also matches " + join(a.also_matched, ", "))
            : a.problem + (a.leaf_spki_sha256.empty() ? "" : ", leaf SPKI " + a.leaf_spki_sha256)};
}

Requirement certified_ca(const AddressEvidence& a, const AuditPolicy& policy) {
    const bool listed = !a.issuer_spki_sha256.empty() &&
                        policy.certified_ca_spki_sha256.count(a.issuer_spki_sha256) > 0;
    std::string evidence =
        "issuer \"" + a.issuer + "\" SPKI SHA-256 " +
        (a.issuer_spki_sha256.empty() ? "(issuer not sent)" : a.issuer_spki_sha256);
    if (policy.certified_ca_spki_sha256.empty())
        evidence += "; no certified CAs configured ([audit] certified_ca_spki_sha256)";
    else
        evidence += listed ? " is on the certified CA list" : " is NOT on the certified CA list";
    return {"EMLREQ_6", "certified_ca", listed, evidence};
}

}  // namespace

bool AuditItem::pass() const {
    return !requirements.empty() && std::all_of(requirements.begin(), requirements.end(),
                                                [](const Requirement& r) { return r.pass; });
}

std::vector<AuditItem> judge_audit(const std::vector<EndpointEvidence>& endpoints,
                                   const AuditPolicy& policy, TimePoint now) {
    std::vector<AuditItem> out;
    for (const auto& e : endpoints) {
        const auto dns = emlreq_4_dns(e, policy, now);
        if (e.addresses.empty()) {
            AuditItem item{e.endpoint, "-", "", now, dns};
            item.requirements.push_back(
                {"EMLREQ_2", "tls_offered", false,
                 e.address_problem.empty() ? "no address" : e.address_problem});
            out.push_back(std::move(item));
            continue;
        }
        for (const auto& a : e.addresses) {
            AuditItem item{e.endpoint, a.address, a.algorithm, now, emlreq_2(a)};
            item.requirements.insert(item.requirements.end(), dns.begin(), dns.end());
            item.requirements.push_back(dane_match(a));
            item.requirements.push_back(certified_ca(a, policy));
            out.push_back(std::move(item));
        }
    }
    return out;
}

}  // namespace dk::ops
