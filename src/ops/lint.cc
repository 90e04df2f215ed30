#include "ops/lint.h"

#include <algorithm>

#include "base/strings.h"
#include "engine/planner.h"

namespace dk::ops {

std::string_view to_string(Severity severity) {
    return severity == Severity::error ? "error" : "warning";
}

namespace {

bool matched(const SlotFacts& slot, const TlsaRecord& r) {
    return std::find(slot.matched_by_chain.begin(), slot.matched_by_chain.end(), r) !=
           slot.matched_by_chain.end();
}

const SlotFacts::ListedIssuer* listed_issuer(const SlotFacts& slot, const TlsaRecord& r) {
    for (const auto& i : slot.listed_issuers) {
        if (i.record == r) return &i;
    }
    return nullptr;
}

// What to change about a 2 x y record no served chain matches, in one line.
std::string stale_issuer_fix(const SlotFacts& slot, const std::string& owner, const TlsaRecord& r,
                             const SlotFacts::ListedIssuer* listed, bool chain_ca_published) {
    const std::string add_chain_ca = "add the certificate of the served chain's CA (" +
                                     slot.chain_issuer + ") to issuer_certificates of slot " +
                                     slot.slot;
    if (listed != nullptr)
        return add_chain_ca + ", and take " + listed->file +
               " out of it once nothing it issued "
               "is served";
    std::string remove =
        slot.publish_command.empty()
            ? "remove \"" + owner + " TLSA " + r.rdata_text() + "\" from " +
                  (slot.unsigned_file.empty() ? std::string("the zone") : slot.unsigned_file)
            : slot.publish_command + " --remove \"" + owner + " TLSA " + r.rdata_text() + "\"";
    if (!chain_ca_published && !slot.listed_issuers.empty()) remove += " (or " + add_chain_ca + ")";
    return remove;
}

}  // namespace

std::vector<Finding> lint_3_0_with_acme(const SlotFacts& slot) {
    std::vector<Finding> out;
    if (!slot.chain_known || !slot.short_lived_certificate) return out;
    for (const auto& o : slot.owners) {
        for (const auto& r : o.records) {
            if (r.usage == 3 && r.selector == 0) {
                out.push_back({"tlsa-3-0-with-acme", Severity::error, o.owner,
                               r.rdata_text().substr(0, 5) +
                                   " pins the whole certificate, which every ACME renewal "
                                   "replaces; publish 3 1 1 (the key) instead"});
            }
        }
    }
    return out;
}

std::vector<Finding> lint_2_pinned_to_other_ca(const SlotFacts& slot) {
    std::vector<Finding> out;
    if (!slot.chain_known) return out;
    for (const auto& o : slot.owners) {
        const bool chain_ca_published =
            std::any_of(o.records.begin(), o.records.end(),
                        [&](const TlsaRecord& r) { return r.usage == 2 && matched(slot, r); });
        for (const auto& r : o.records) {
            if (r.usage != 2 || matched(slot, r)) continue;
            const auto* listed = listed_issuer(slot, r);
            // A listed CA that issues nothing served now is a backup, as long as the served
            // chain's own CA has its record too.
            if (listed != nullptr && chain_ca_published) continue;
            out.push_back({"tlsa-2-other-ca", Severity::warning, o.owner,
                           r.rdata_text().substr(0, 5) +
                               " record matches no CA of the served chain: the CA it pins "
                               "no longer issues it (record " +
                               r.rdata_text().substr(6, 16) + "...); fix: " +
                               stale_issuer_fix(slot, o.owner, r, listed, chain_ca_published)});
        }
    }
    return out;
}

std::vector<Finding> lint_too_many_records(const SlotFacts& slot, const LintPolicy& policy) {
    std::vector<Finding> out;
    for (const auto& o : slot.owners) {
        if (o.records.size() > policy.max_tlsa_records) {
            out.push_back({"tlsa-too-many", Severity::warning, o.owner,
                           std::to_string(o.records.size()) +
                               " TLSA records; some senders "
                               "handle no more than " +
                               std::to_string(policy.max_tlsa_records)});
        }
    }
    return out;
}

std::vector<Finding> lint_unsigned_owner(const SlotFacts& slot) {
    std::vector<Finding> out;
    for (const auto& o : slot.owners) {
        if (o.observed && !o.records.empty() && !o.validated) {
            out.push_back({"tlsa-unsigned", Severity::error, o.owner,
                           "TLSA records under a name whose signatures do not validate: "
                           "senders ignore them (RFC 7672 section 2.2)"});
        }
    }
    return out;
}

std::vector<Finding> lint_rrsig_expiring(const SlotFacts& slot, const LintPolicy& policy,
                                         TimePoint now) {
    std::vector<Finding> out;
    for (const auto& o : slot.owners) {
        if (!o.rrsig_expiration) continue;
        const auto left = std::chrono::duration_cast<Seconds>(*o.rrsig_expiration - now);
        if (left < Seconds{static_cast<long long>(policy.rrsig_warn_days) * 86400}) {
            out.push_back({"rrsig-expiring",
                           left.count() <= 0 ? Severity::error : Severity::warning, o.owner,
                           "RRSIG expires " + iso_time(*o.rrsig_expiration) + " (" +
                               std::to_string(left.count()) + " s left, under " +
                               std::to_string(policy.rrsig_warn_days) + " days)"});
        }
    }
    return out;
}

// The wait the engine's planner sets before a switch: TTLmax is the configured TLSA TTL (what the
// next record is published with) or, when longer, what the servers show (engine::owner_ttl_max).
std::vector<Finding> lint_ttl_too_long(const SlotFacts& slot) {
    Seconds ttl_max{slot.tlsa_ttl};
    for (const auto& o : slot.owners) ttl_max = std::max(ttl_max, engine::owner_ttl_max(o.ttls));
    const Seconds wait = engine::switch_wait(ttl_max, Seconds{slot.margin_seconds});
    const Seconds window{static_cast<long long>(slot.renew_before_days) * 86400};
    if (wait <= window) return {};
    return {{"tlsa-ttl-too-long", Severity::error, slot.slot,
             "a key switch waits 2 x TTL " + std::to_string(ttl_max.count()) +
                 " + margin = " + std::to_string(wait.count()) +
                 " s, longer than renew_before_days (" + std::to_string(window.count()) +
                 " s): a rollover could not finish before expiry"}};
}

std::vector<Finding> lint_key_too_old(const SlotFacts& slot, TimePoint now) {
    if (!slot.current_key_created) return {};
    const auto age = std::chrono::duration_cast<Seconds>(now - *slot.current_key_created);
    const long long days = age.count() / 86400;
    if (days <= slot.rollover_every_days) return {};
    return {{"key-too-old", Severity::warning, slot.slot,
             "current key created " + iso_time(*slot.current_key_created) + " is " +
                 std::to_string(days) + " days old, over rollover_every_days = " +
                 std::to_string(slot.rollover_every_days)}};
}

std::vector<Finding> lint_mx_without_tlsa(const std::vector<MxFacts>& mx) {
    std::vector<Finding> out;
    for (const auto& m : mx) {
        if (m.has_tlsa) continue;
        std::string why;  // only a validated denial says the records are absent
        switch (m.tlsa_lookup) {
            case Lookup::secure_denial:
                why = " (validated denial: no records)";
                break;
            case Lookup::insecure:
                why = " (the answer is not DNSSEC-validated, no AD bit: unknown, not absent)";
                break;
            case Lookup::failed:
            case Lookup::unreachable:
                why = " (the lookup failed: unknown)";
                break;
            case Lookup::secure:
                break;
        }
        out.push_back({"mx-without-tlsa", Severity::error, m.host,
                       "MX host of " + m.zone + " has no validated TLSA at _25._tcp." + m.host +
                           why + ": no DANE for mail to " + m.zone});
    }
    return out;
}

std::vector<Finding> lint_tlsrpt_record(const std::vector<TlsrptRecordFacts>& records) {
    std::vector<Finding> out;
    for (const auto& r : records) {
        const std::string fix = " (the next run publishes \"" + r.configured + "\")";
        std::string problem;
        if (!r.unreadable.empty())
            problem = "cannot read what the primary serves: " + r.unreadable;
        else if (r.served.empty())
            problem = "no TLSRPT record served: senders send no reports" + fix;
        else if (r.served.size() > 1)
            problem = std::to_string(r.served.size()) +
                      " TLSRPT records served: senders use none of them" + fix;
        else if (r.served.front() != r.configured)
            problem =
                "serves \"" + printable(r.served.front()) + "\", not the configured record" + fix;
        if (!problem.empty())
            out.push_back({"tlsrpt-record", Severity::warning, r.owner, std::move(problem)});
    }
    return out;
}

std::vector<Finding> lint_mta_sts_webpki(const SlotFacts& slot) {
    std::vector<Finding> out;
    for (const auto& line : slot.mta_sts_refused_enforce)
        out.push_back({"mta-sts-webpki", Severity::error, slot.slot, line});
    for (const auto& line : slot.mta_sts_refused_testing)
        out.push_back({"mta-sts-webpki", Severity::warning, slot.slot, line});
    return out;
}

std::vector<Finding> lint(const std::vector<SlotFacts>& slots, const std::vector<MxFacts>& mx,
                          const LintPolicy& policy, TimePoint now) {
    std::vector<Finding> out;
    auto add = [&](std::vector<Finding> more) {
        out.insert(out.end(), std::make_move_iterator(more.begin()),
                   std::make_move_iterator(more.end()));
    };
    for (const auto& s : slots) {
        add(lint_3_0_with_acme(s));
        add(lint_2_pinned_to_other_ca(s));
        add(lint_too_many_records(s, policy));
        add(lint_unsigned_owner(s));
        add(lint_rrsig_expiring(s, policy, now));
        add(lint_ttl_too_long(s));
        add(lint_key_too_old(s, now));
        add(lint_mta_sts_webpki(s));
    }
    add(lint_mx_without_tlsa(mx));
    return out;
}

bool any_error(const std::vector<Finding>& findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error; });
}

}  // namespace dk::ops
