// The chain from a parent zone's anchor through its DNSKEY RRset to the zone's DS RRset, and on
// to the zone's own DNSKEY RRset, with keys made here and a fixed clock: the good chain, then a
// DS whose RRSIG does not validate, a parent server without the DS, a DS that matches no KSK,
// and a referral instead of an answer.
#include "zone/parent_ds.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "tests/unit/zone_observe/test_signer.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

using testing::during;
using testing::expiration;
using testing::inception;
using testing::list_of;
using testing::Signer;

const char* const child = "example.test.";
const char* const parent = "test.";

// An authoritative reply holding `answer` (AA set unless `referral`).
ldns::PktPtr reply_of(const ldns_rr_list& answer, bool referral = false) {
    ldns::PktPtr pkt(ldns_pkt_new());
    ldns_pkt_set_qr(pkt.get(), true);
    ldns_pkt_set_aa(pkt.get(), !referral);
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(&answer); ++i)
        ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER,
                         ldns_rr_clone(ldns_rr_list_rr(&answer, i)));
    return pkt;
}

ldns::RrListPtr concat(const ldns_rr_list& a, const ldns_rr_list& b) {
    ldns::RrListPtr out(ldns_rr_list_clone(&a));
    for (std::size_t i = 0; i < ldns_rr_list_rr_count(&b); ++i)
        ldns_rr_list_push_rr(out.get(), ldns_rr_clone(ldns_rr_list_rr(&b, i)));
    return out;
}

ldns::RrPtr ds_of(const Signer& key) {
    ldns::RrPtr ds(ldns_key_rr2ds(key.dnskey.get(), LDNS_SHA256));
    ldns_rr_set_ttl(ds.get(), 300);
    return ds;
}

class ParentDs : public ::testing::Test {
  protected:
    ParentDs() {
        parent_keys = list_of({parent_key.dnskey.get()});
        dnskey_reply = reply_of(*concat(*parent_keys, *parent_key.sign(*parent_keys)));
        anchors =
            list_of({ldns::RrPtr(ldns_key_rr2ds(parent_key.dnskey.get(), LDNS_SHA256)).get()});
        ds_reply = ds_reply_signed_by(parent_key, ksk);
    }
    [[nodiscard]] ldns::PktPtr ds_reply_signed_by(const Signer& signer, const Signer& key) const {
        auto ds = list_of({ds_of(key).get()});
        return reply_of(*concat(*ds, *signer.sign(*ds)));
    }
    ParentDsAtServer judge(const std::string& server, const ldns_pkt& ds) const {
        return judge_parent_server(*parse_host_port(server, 53), child, parent, *dnskey_reply, ds,
                                   *anchors, during);
    }

    Signer parent_key{inception, expiration, parent};
    Signer ksk{inception, expiration, child};
    ldns::RrListPtr parent_keys, anchors;
    ldns::PktPtr dnskey_reply, ds_reply;
};

TEST_F(ParentDs, ValidatedAtEveryServerAndAnchorsTheZonesKeys) {
    auto a = judge("192.0.2.1:53", *ds_reply);
    ASSERT_TRUE(a.validated) << a.problem;
    EXPECT_EQ(a.ds.size(), 1U);
    EXPECT_EQ(a.ttl, 300U);
    auto check =
        summarize_parent_ds(child, parent, "anchor.ds", {a, judge("192.0.2.2:53", *ds_reply)});
    ASSERT_TRUE(check.findings.empty()) << check.findings.front();
    ASSERT_EQ(check.validated_ds.size(), 1U);
    auto child_keys = list_of({ksk.dnskey.get()});
    auto matches = match_ds_to_ksks(check, *child_keys);
    ASSERT_EQ(matches.size(), 1U);
    EXPECT_EQ(matches[0].ksk, ldns_calc_keytag(ksk.dnskey.get()));
    EXPECT_TRUE(check.proven());
    // That DS anchors the zone's DNSKEY RRset, and through it the zone's records.
    auto anchors_of_child = parse_trust_anchors(check.validated_ds[0] + "\n", "parent");
    ASSERT_TRUE(anchors_of_child.ok()) << anchors_of_child.error().message;
    auto key_sigs = ksk.sign(*child_keys);
    auto s = validate_rrset(*child_keys, *key_sigs, *child_keys, *key_sigs, anchors_of_child->get(),
                            during);
    EXPECT_TRUE(s.ok()) << s.error().message;
    // Another KSK does not validate from it.
    Signer other{inception, expiration, child};
    auto other_keys = list_of({other.dnskey.get()});
    auto other_sigs = other.sign(*other_keys);
    EXPECT_FALSE(validate_rrset(*other_keys, *other_sigs, *other_keys, *other_sigs,
                                anchors_of_child->get(), during)
                     .ok());
}

TEST_F(ParentDs, BogusRrsigOnTheDsIsNotValidated) {
    Signer impostor{inception, expiration, parent};
    auto bogus = ds_reply_signed_by(impostor, ksk);
    auto a = judge("192.0.2.1:53", *bogus);
    EXPECT_TRUE(a.answered);
    EXPECT_FALSE(a.validated);
    EXPECT_NE(a.problem.find("DS"), std::string::npos) << a.problem;
    auto check =
        summarize_parent_ds(child, parent, "anchor.ds", {judge("192.0.2.2:53", *ds_reply), a});
    EXPECT_TRUE(check.validated_ds.empty());
    ASSERT_EQ(check.findings.size(), 1U);
    EXPECT_NE(check.findings[0].find("192.0.2.1:53: DS of example.test. not validated"),
              std::string::npos)
        << check.findings[0];
    EXPECT_FALSE(check.proven());
}

TEST_F(ParentDs, AParentDnskeyRrsetTheAnchorDoesNotValidateProvesNothing) {
    Signer impostor{inception, expiration, parent};
    auto keys = list_of({impostor.dnskey.get()});
    dnskey_reply = reply_of(*concat(*keys, *impostor.sign(*keys)));
    auto a = judge("192.0.2.1:53", *ds_reply_signed_by(impostor, ksk));
    EXPECT_FALSE(a.validated);
    EXPECT_NE(a.problem.find("test. DNSKEY"), std::string::npos) << a.problem;
}

TEST_F(ParentDs, DsMissingAtOneParentServer) {
    auto empty = list_of({});
    auto a = judge("192.0.2.2:53", *reply_of(*empty));
    EXPECT_TRUE(a.answered);
    EXPECT_FALSE(a.validated);  // no NSEC proves the absence
    EXPECT_NE(a.problem.find("not proven"), std::string::npos) << a.problem;
    auto check =
        summarize_parent_ds(child, parent, "anchor.ds", {judge("192.0.2.1:53", *ds_reply), a});
    EXPECT_TRUE(check.validated_ds.empty());
    ASSERT_EQ(check.findings.size(), 1U);
    EXPECT_NE(check.findings[0].find("192.0.2.2:53"), std::string::npos);
    // One fix: that server answers for the parent, and the anchor is the parent's current one.
    ASSERT_EQ(check.fixes.size(), 1U);
    EXPECT_NE(check.fixes[0].find("make 192.0.2.2:53 answer for test."), std::string::npos)
        << check.fixes[0];
    EXPECT_NE(check.fixes[0].find("anchor.ds"), std::string::npos) << check.fixes[0];
}

TEST_F(ParentDs, DsMatchingNoKskIsAFinding) {
    Signer gone{inception, expiration, child};
    auto stale = ds_reply_signed_by(parent_key, gone);
    auto check = summarize_parent_ds(child, parent, "anchor.ds", {judge("192.0.2.1:53", *stale)});
    ASSERT_EQ(check.validated_ds.size(), 1U);
    auto child_keys = list_of({ksk.dnskey.get()});
    auto matches = match_ds_to_ksks(check, *child_keys);
    ASSERT_EQ(matches.size(), 1U);
    EXPECT_FALSE(matches[0].ksk);
    ASSERT_EQ(check.findings.size(), 1U);
    EXPECT_NE(check.findings[0].find("matches no KSK"), std::string::npos) << check.findings[0];
    ASSERT_EQ(check.fixes.size(), 1U);
    EXPECT_NE(check.fixes[0].find("danekeeper dnssec ds example.test."), std::string::npos)
        << check.fixes[0];
    EXPECT_FALSE(check.proven());
}

TEST_F(ParentDs, AnIncomingKsksDsBesideTheServedOneIsANoteNotAFinding) {
    // The double-DS KSK rollover: the new KSK's DS is at the parent before its DNSKEY is served.
    // The zone validates through the other DS all along; an alert here would fire every 30 s.
    Signer incoming{inception, expiration, child};
    auto both = list_of({ds_of(ksk).get(), ds_of(incoming).get()});
    auto reply = reply_of(*concat(*both, *parent_key.sign(*both)));
    auto check = summarize_parent_ds(child, parent, "anchor.ds", {judge("192.0.2.1:53", *reply)});
    ASSERT_EQ(check.validated_ds.size(), 2U);
    auto child_keys = list_of({ksk.dnskey.get()});
    auto matches = match_ds_to_ksks(check, *child_keys);
    ASSERT_EQ(matches.size(), 2U);
    EXPECT_TRUE(check.findings.empty()) << check.findings.front();
    EXPECT_TRUE(check.fixes.empty());
    ASSERT_EQ(check.notes.size(), 1U);
    EXPECT_NE(check.notes[0].find("matches no KSK"), std::string::npos) << check.notes[0];
    EXPECT_TRUE(check.proven());
}

TEST_F(ParentDs, AReferralIsNoAnswer) {
    auto ds = list_of({ds_of(ksk).get()});
    auto a = judge("192.0.2.1:53", *reply_of(*ds, true));
    EXPECT_FALSE(a.answered);
    EXPECT_NE(a.problem.find("not authoritative"), std::string::npos) << a.problem;
}

// A parent server found from the NS RRset without a proven address was not asked: a finding
// that names it, and nothing is proven although the other server validates.
TEST_F(ParentDs, AParentServerNotFoundProvesNothing) {
    ParentDsAtServer missing;
    missing.server = {"ns2.test.", 53};
    missing.found = false;
    missing.problem = "no proven address: A: the resolver answered SERVFAIL";
    auto check = summarize_parent_ds(child, parent, "anchor.ds",
                                     {judge("192.0.2.1:53", *ds_reply), missing});
    EXPECT_TRUE(check.validated_ds.empty());
    ASSERT_EQ(check.findings.size(), 1U);
    EXPECT_EQ(check.findings[0],
              "ns2.test.: parent server not found: no proven address: A: the resolver answered "
              "SERVFAIL");
    ASSERT_EQ(check.fixes.size(), 1U);
    EXPECT_NE(check.fixes[0].find("make the resolver answer for test.'s NS RRset"),
              std::string::npos)
        << check.fixes[0];
}

TEST_F(ParentDs, NoParentServersIsAFinding) {
    auto check = summarize_parent_ds(child, parent, "anchor.ds", {});
    EXPECT_FALSE(check.proven());
    ASSERT_EQ(check.findings.size(), 1U);
}

TEST(ParentAnchor, TheClosestAncestorOfTheZoneIsItsParent) {
    Signer root{inception, expiration, "."};
    Signer tld{inception, expiration, parent};
    const std::string file = ::testing::TempDir() + "/parent-anchor.ds";
    {
        std::ofstream out(file);
        out << ldns::CStringPtr(
                   ldns_rr2str(ldns::RrPtr(ldns_key_rr2ds(root.dnskey.get(), LDNS_SHA256)).get()))
                   .get()
            << ldns::CStringPtr(
                   ldns_rr2str(ldns::RrPtr(ldns_key_rr2ds(tld.dnskey.get(), LDNS_SHA256)).get()))
                   .get();
    }
    auto anchor = read_parent_anchor(file, child);
    ASSERT_TRUE(anchor.ok()) << anchor.error().message;
    EXPECT_EQ(anchor->parent_zone, "test.");
    EXPECT_EQ(ldns_rr_list_rr_count(anchor->anchors.get()), 1U);
    auto above = read_parent_anchor(file, "example.net.");
    ASSERT_TRUE(above.ok());
    EXPECT_EQ(above->parent_zone, ".");
    auto none = read_parent_anchor(file, "test.");
    ASSERT_TRUE(none.ok());  // the root is above test.
    EXPECT_EQ(none->parent_zone, ".");
    std::remove(file.c_str());
}

}  // namespace
}  // namespace dk::zone
