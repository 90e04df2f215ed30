// Every lint rule: the case that fires, the boundary that does not, and the severity.
#include "ops/lint.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

TlsaRecord rec(int usage, int selector, int mtype, std::uint8_t fill = 0xab) {
    return TlsaRecord{static_cast<std::uint8_t>(usage), static_cast<std::uint8_t>(selector),
                      static_cast<std::uint8_t>(mtype), Bytes(32, fill)};
}

OwnerFacts owner(std::vector<TlsaRecord> records) {
    OwnerFacts o;
    o.owner = "_25._tcp.mx1.example.test.";
    o.observed = true;
    o.records = std::move(records);
    o.validated = true;
    o.ttls = {{.tlsa = 300, .rrsig_original = 300, .negative = 60}};
    o.rrsig_expiration = now + Seconds{30 * 86400};
    return o;
}

// [audit]'s lint keys at the values the tests are written for (the configuration's defaults).
LintPolicy policy() {
    LintPolicy p;
    p.rrsig_warn_days = 7;
    p.max_tlsa_records = 12;
    return p;
}

SlotFacts healthy() {
    SlotFacts s;
    s.slot = "mx";
    s.tlsa_ttl = 300;
    s.renew_before_days = 30;
    s.rollover_every_days = 365;
    s.margin_seconds = 900;
    s.current_key_created = now - Seconds{10 * 86400};
    s.chain_known = true;
    s.short_lived_certificate = true;
    s.owners = {owner({rec(3, 1, 1), rec(3, 1, 1, 0xcd)})};
    s.matched_by_chain = {rec(3, 1, 1)};
    return s;
}

TEST(Lint, AHealthySlotHasNoFindings) {
    EXPECT_TRUE(
        lint({healthy()}, {{"example.test.", "mx1.example.test", true}}, policy(), now).empty());
}

// A DANE-only (private CA) chain: MTA-STS senders in enforce mode do not deliver (error); in
// testing mode they deliver and report (warning).
TEST(Lint, ChainMtaStsSendersRefuseIsAnErrorWhileEnforceAWarningInTesting) {
    auto s = healthy();
    s.mta_sts_refused_enforce = {"the next key's chain: mx1.example.test:25: enforce"};
    s.mta_sts_refused_testing = {"the served chain: mx1.example.test:25: testing"};
    const auto findings = lint({s}, {}, policy(), now);
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].rule, "mta-sts-webpki");
    EXPECT_EQ(findings[0].severity, Severity::error);
    EXPECT_EQ(findings[0].where, "mx");
    EXPECT_EQ(findings[0].message, "the next key's chain: mx1.example.test:25: enforce");
    EXPECT_EQ(findings[1].severity, Severity::warning);
    EXPECT_TRUE(lint_mta_sts_webpki(healthy()).empty());
}

TEST(Lint, ThreeZeroWithAcmeIsAnError) {
    auto s = healthy();
    s.owners[0].records.push_back(rec(3, 0, 1));
    const auto f = lint_3_0_with_acme(s);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].severity, Severity::error);
    EXPECT_EQ(f[0].where, "_25._tcp.mx1.example.test.");
    s.short_lived_certificate = false;  // a long-lived certificate may be pinned whole
    EXPECT_TRUE(lint_3_0_with_acme(s).empty());
    s.short_lived_certificate = true;
    s.chain_known = false;  // nothing known about the chain: no claim
    EXPECT_TRUE(lint_3_0_with_acme(s).empty());
}

TEST(Lint, TwoXYNotMatchingTheServedChainIsFlagged) {
    auto s = healthy();
    s.owners[0].records.push_back(rec(2, 1, 1, 0x11));
    ASSERT_EQ(lint_2_pinned_to_other_ca(s).size(), 1u);
    EXPECT_EQ(lint_2_pinned_to_other_ca(s)[0].rule, "tlsa-2-other-ca");
    s.matched_by_chain.push_back(rec(2, 1, 1, 0x11));  // the CA still issues the chain
    EXPECT_TRUE(lint_2_pinned_to_other_ca(s).empty());
}

// The CA moved to a new intermediate: the old one's record is stale. The warning says what to
// change in one line: the command that removes the record.
TEST(Lint, StaleTwoOneOneSaysHowToRemoveIt) {
    auto s = healthy();
    s.chain_issuer = "C = US, O = Let's Encrypt, CN = R11";
    s.publish_command =
        "danekeeper publish --zone example.test --server 192.0.2.1:53 --tsig-key /etc/dk.key";
    s.owners[0].records.push_back(rec(2, 1, 1, 0x11));
    const auto f = lint_2_pinned_to_other_ca(s);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].message.find("fix: danekeeper publish --zone example.test --server "
                                "192.0.2.1:53 --tsig-key /etc/dk.key --remove \"_25._tcp.mx1."
                                "example.test. TLSA " +
                                rec(2, 1, 1, 0x11).rdata_text() + "\""),
              std::string::npos)
        << f[0].message;
    EXPECT_EQ(f[0].message.find('\n'), std::string::npos);
    // A signed-file zone: the record goes from the operator's zone file.
    s.publish_command.clear();
    s.unsigned_file = "/etc/knot/example.test.zone";
    EXPECT_NE(lint_2_pinned_to_other_ca(s)[0].message.find("from /etc/knot/example.test.zone"),
              std::string::npos);
}

// issuer_certificates: a listed backup CA (nothing it issued is served) is no finding while
// the served chain's own CA has its record; a listed CA that is the only one published while the
// chain comes from another is: the list misses the chain's CA.
TEST(Lint, ListedIssuersBackupIsFineStaleListIsFlaggedWithTheListChange) {
    auto s = healthy();
    s.chain_issuer = "CN = R11";
    s.listed_issuers = {{"/etc/danekeeper/ca/r10.pem", rec(2, 1, 1, 0x10)},
                        {"/etc/danekeeper/ca/r11.pem", rec(2, 1, 1, 0x11)}};
    s.owners[0].records.push_back(rec(2, 1, 1, 0x10));
    s.owners[0].records.push_back(rec(2, 1, 1, 0x11));
    s.matched_by_chain.push_back(rec(2, 1, 1, 0x11));
    EXPECT_TRUE(lint_2_pinned_to_other_ca(s).empty());
    // The CA moved to R12, which is not listed.
    s.chain_issuer = "CN = R12";
    s.matched_by_chain = {rec(3, 1, 1)};
    const auto f = lint_2_pinned_to_other_ca(s);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_NE(f[0].message.find("fix: add the certificate of the served chain's CA (CN = R12) to "
                                "issuer_certificates of slot mx, and take "
                                "/etc/danekeeper/ca/r10.pem out of it"),
              std::string::npos)
        << f[0].message;
}

TEST(Lint, MoreThanTwelveRecords) {
    auto s = healthy();
    s.owners[0].records.clear();
    for (int i = 0; i < 12; ++i)
        s.owners[0].records.push_back(rec(3, 1, 1, static_cast<std::uint8_t>(i)));
    EXPECT_TRUE(lint_too_many_records(s, policy()).empty());
    s.owners[0].records.push_back(rec(3, 1, 1, 0xee));
    const auto f = lint_too_many_records(s, policy());
    ASSERT_EQ(f.size(), 1u);
    EXPECT_NE(f[0].message.find("13 TLSA records"), std::string::npos);
}

TEST(Lint, TlsaUnderAnUnsignedName) {
    auto s = healthy();
    s.owners[0].validated = false;
    ASSERT_EQ(lint_unsigned_owner(s).size(), 1u);
    EXPECT_EQ(lint_unsigned_owner(s)[0].severity, Severity::error);
    s.owners[0].observed = false;  // config check: not asked
    EXPECT_TRUE(lint_unsigned_owner(s).empty());
    s.owners[0].observed = true;
    s.owners[0].records.clear();  // nothing published there
    EXPECT_TRUE(lint_unsigned_owner(s).empty());
}

TEST(Lint, RrsigExpiringWithinNDays) {
    auto s = healthy();
    const LintPolicy p = policy();  // warns within 7 days
    s.owners[0].rrsig_expiration = now + Seconds{7 * 86400};
    EXPECT_TRUE(lint_rrsig_expiring(s, p, now).empty());
    s.owners[0].rrsig_expiration = now + Seconds{7 * 86400 - 1};
    ASSERT_EQ(lint_rrsig_expiring(s, p, now).size(), 1u);
    EXPECT_EQ(lint_rrsig_expiring(s, p, now)[0].severity, Severity::warning);
    s.owners[0].rrsig_expiration = now;
    EXPECT_EQ(lint_rrsig_expiring(s, p, now)[0].severity, Severity::error);
}

TEST(Lint, TtlTooLongForTheRolloverPlan) {
    auto s = healthy();
    s.renew_before_days = 1;
    s.margin_seconds = 0;
    s.tlsa_ttl = 43200;  // 2 x 43200 = 86400: just fits
    EXPECT_TRUE(lint_ttl_too_long(s).empty());
    s.margin_seconds = 1;
    ASSERT_EQ(lint_ttl_too_long(s).size(), 1u);
    EXPECT_EQ(lint_ttl_too_long(s)[0].where, "mx");
    s.margin_seconds = 0;
    s.owners[0].ttls[0].tlsa = 50000;  // the served TTL counts when it is longer than configured
    EXPECT_EQ(lint_ttl_too_long(s).size(), 1u);
}

// The wait lint judges is the engine's (engine::owner_ttl_max, engine::switch_wait): caches may
// keep an RRset as long as its RRSIG's original TTL says, a denial as long as the negative TTL.
TEST(Lint, TtlTooLongCountsWhatTheEngineWaitsFor) {
    auto s = healthy();
    s.renew_before_days = 1;
    s.margin_seconds = 0;
    s.tlsa_ttl = 3600;
    s.owners[0].ttls = {{.tlsa = 3600, .rrsig_original = 3600}, {.tlsa = 3600}};
    EXPECT_TRUE(lint_ttl_too_long(s).empty());

    s.owners[0].ttls[1].rrsig_original = 50000;  // one server signs with a longer original TTL
    ASSERT_EQ(lint_ttl_too_long(s).size(), 1u);
    EXPECT_NE(lint_ttl_too_long(s)[0].message.find("2 x TTL 50000 + margin = 100000 s"),
              std::string::npos)
        << lint_ttl_too_long(s)[0].message;

    s.owners[0].ttls = {{.cname_max = 45000}};  // a CNAME on the way to the provider's RRset
    EXPECT_EQ(lint_ttl_too_long(s).size(), 1u);

    s.owners[0].ttls = {{.negative = 50000, .empty = true}};  // a new owner: the denial is cached
    EXPECT_EQ(lint_ttl_too_long(s).size(), 1u);
    s.owners[0].ttls = {{.tlsa = 3600, .negative = 50000}};  // records there: no denial cached
    EXPECT_TRUE(lint_ttl_too_long(s).empty());
}

TEST(Lint, KeyOlderThanItsRolloverPeriod) {
    auto s = healthy();
    s.rollover_every_days = 10;
    s.current_key_created = now - Seconds{10 * 86400};
    EXPECT_TRUE(lint_key_too_old(s, now).empty());
    s.current_key_created = now - Seconds{11 * 86400};
    ASSERT_EQ(lint_key_too_old(s, now).size(), 1u);
    EXPECT_EQ(lint_key_too_old(s, now)[0].severity, Severity::warning);
    s.current_key_created.reset();  // no state yet
    EXPECT_TRUE(lint_key_too_old(s, now).empty());
}

TEST(Lint, MxHostsWithoutTlsa) {
    const std::vector<MxFacts> mx{{"example.test.", "mx1.example.test", true},
                                  {"example.test.", "mx2.example.test", false}};
    const auto f = lint_mx_without_tlsa(mx);
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].where, "mx2.example.test");
    EXPECT_TRUE(any_error(f));
}

TEST(Lint, MxHostWithAnUnvalidatedEmptyAnswerIsNotCalledAbsent) {
    // Both are errors; only the validated denial says the records are absent.
    const std::vector<MxFacts> mx{
        {"example.test.", "mx1.example.test", false, Lookup::secure_denial},
        {"example.test.", "mx2.example.test", false, Lookup::insecure}};
    const auto f = lint_mx_without_tlsa(mx);
    ASSERT_EQ(f.size(), 2u);
    EXPECT_NE(f[0].message.find("validated denial"), std::string::npos) << f[0].message;
    EXPECT_NE(f[1].message.find("not DNSSEC-validated"), std::string::npos) << f[1].message;
    EXPECT_EQ(f[1].message.find("validated denial"), std::string::npos) << f[1].message;
}

TEST(Lint, LintRunsEveryRuleAndAnyErrorDecides) {
    auto s = healthy();
    s.owners[0].records.push_back(rec(3, 0, 1));         // error
    s.owners[0].records.push_back(rec(2, 1, 1, 0x11));   // warning
    s.current_key_created = now - Seconds{400 * 86400};  // warning
    const auto f = lint({s}, {{"example.test.", "mx2.example.test", false}}, policy(), now);
    std::vector<std::string> rules;
    for (const auto& x : f) rules.push_back(x.rule);
    EXPECT_EQ(rules, (std::vector<std::string>{"tlsa-3-0-with-acme", "tlsa-2-other-ca",
                                               "key-too-old", "mx-without-tlsa"}));
    EXPECT_TRUE(any_error(f));
    EXPECT_FALSE(any_error(lint_key_too_old(s, now)));
}

TEST(Lint, TlsrptRecordNotTheOneServed) {
    const std::string want = "v=TLSRPTv1; rua=mailto:tlsrpt@example.net";
    const std::string owner = "_smtp._tls.example.net.";
    EXPECT_TRUE(lint_tlsrpt_record({{owner, want, {want}, ""}}).empty());
    const struct {
        TlsrptRecordFacts facts;
        std::string says;
    } cases[] = {
        {{owner, want, {}, ""}, "no TLSRPT record served: senders send no reports"},
        {{owner, want, {want, "v=TLSRPTv1; rua=mailto:x@y.example"}, ""},
         "2 TLSRPT records served: senders use none of them"},
        {{owner, want, {"v=TLSRPTv1; rua=mailto:old@example.net"}, ""},
         "serves \"v=TLSRPTv1; rua=mailto:old@example.net\", not the configured record"},
        {{owner, want, {}, "192.0.2.53:53: timeout"},
         "cannot read what the primary serves: 192.0.2.53:53: timeout"},
    };
    for (const auto& c : cases) {
        const auto f = lint_tlsrpt_record({c.facts});
        ASSERT_EQ(f.size(), 1u) << c.says;
        EXPECT_EQ(f[0].rule, "tlsrpt-record");
        EXPECT_EQ(f[0].severity, Severity::warning);
        EXPECT_EQ(f[0].where, owner);
        EXPECT_EQ(f[0].message.rfind(c.says, 0), 0u) << f[0].message;
    }
}

}  // namespace
}  // namespace dk::ops
