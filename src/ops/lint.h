// Pre-flight lint: rules over what the configuration, the DNS and the served chain show that
// predict a DANE outage or an audit failure. Each rule is a pure function; lint() runs them all.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/tlsa.h"
#include "engine/safety.h"
#include "ops/verdict.h"

namespace dk::ops {

enum class Severity { warning, error };
std::string_view to_string(Severity severity);

struct Finding {
    std::string rule;  // stable name, e.g. tlsa-3-0-with-acme
    Severity severity = Severity::warning;
    std::string where;  // slot, owner or host
    std::string message;
};

// One TLSA owner as the authoritative servers serve it.
struct OwnerFacts {
    std::string owner;
    bool observed = false;  // false: the DNS was not asked (config check)
    std::vector<TlsaRecord> records;
    bool validated = false;                     // every server's RRSIGs validate
    std::vector<engine::ServedTtls> ttls;       // what each server showed
    std::optional<TimePoint> rrsig_expiration;  // the earliest over the servers
};

struct SlotFacts {
    std::string slot;
    // The slot's configured values (service::offline_slot_facts); their defaults live in the
    // configuration schema (config/schema.h) only.
    std::uint32_t tlsa_ttl = 0;
    int renew_before_days = 0;
    int rollover_every_days = 0;
    int margin_seconds = 0;
    std::optional<TimePoint> current_key_created;
    // The served chain (cert_file): whether it looks ACME-issued (validity of 100 days or
    // less) and which of the owners' records it matches.
    bool chain_known = false;
    bool short_lived_certificate = false;
    std::vector<TlsaRecord> matched_by_chain;
    std::string chain_issuer;  // the served leaf's issuer, one line
    std::vector<OwnerFacts> owners;
    // issuer_certificates: each CA's file and its 2 1 1 record.
    struct ListedIssuer {
        std::string file;
        TlsaRecord record;
    };
    std::vector<ListedIssuer> listed_issuers;
    // How a record is removed by hand: "danekeeper publish --zone Z --server P --tsig-key F"
    // (RFC 2136 zones); empty: by editing the zone (signed-file zones: their unsigned_file).
    std::string publish_command;
    std::string unsigned_file;
    // MTA-STS (RFC 8461): why senders applying a domain's policy would refuse the served chain or
    // the one waiting for deployment at an SMTP endpoint (not valid for its name under the WebPKI
    // roots); one line each. Enforce (or held as enforce within max_age): they do not deliver.
    std::vector<std::string> mta_sts_refused_enforce;
    std::vector<std::string> mta_sts_refused_testing;  // they deliver and report
};

struct MxFacts {
    std::string zone;
    std::string host;
    bool has_tlsa = false;  // validated TLSA at _25._tcp.HOST
    // How the TLSA lookup came out: only secure_denial proves the records absent.
    Lookup tlsa_lookup = Lookup::secure;
};

// [audit]'s lint keys (service::lint_policy_for); their defaults live in config/schema.h only.
struct LintPolicy {
    int rrsig_warn_days = 0;
    std::size_t max_tlsa_records = 0;  // some senders handle no more
};

std::vector<Finding> lint_3_0_with_acme(const SlotFacts& slot);
std::vector<Finding> lint_2_pinned_to_other_ca(const SlotFacts& slot);
std::vector<Finding> lint_too_many_records(const SlotFacts& slot, const LintPolicy& policy);
std::vector<Finding> lint_unsigned_owner(const SlotFacts& slot);
std::vector<Finding> lint_rrsig_expiring(const SlotFacts& slot, const LintPolicy& policy,
                                         TimePoint now);
std::vector<Finding> lint_ttl_too_long(const SlotFacts& slot);
std::vector<Finding> lint_key_too_old(const SlotFacts& slot, TimePoint now);
std::vector<Finding> lint_mx_without_tlsa(const std::vector<MxFacts>& mx);
std::vector<Finding> lint_mta_sts_webpki(const SlotFacts& slot);

// One zone's _smtp._tls TLSRPT record: the one [tlsrpt] rua makes, and what the primary serves.
struct TlsrptRecordFacts {
    std::string owner;
    std::string configured;
    std::vector<std::string> served;  // every TLSRPT record served there, its strings joined
    std::string unreadable;           // why the primary could not be read; empty when it was
};
// tlsrpt-record (warning): the configured record is not the one TLSRPT record served.
std::vector<Finding> lint_tlsrpt_record(const std::vector<TlsrptRecordFacts>& records);

std::vector<Finding> lint(const std::vector<SlotFacts>& slots, const std::vector<MxFacts>& mx,
                          const LintPolicy& policy, TimePoint now);

bool any_error(const std::vector<Finding>& findings);

}  // namespace dk::ops
