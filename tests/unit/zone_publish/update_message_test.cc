#include "zone/update_message.h"

#include <gtest/gtest.h>

#include "zone/tsig_key.h"

namespace dk::zone {
namespace {

const std::string kHashA(64, 'a');
const std::string kHashB(64, 'b');
const std::string kOwner = "_25._tcp.mx1.example.test.";

ZoneChange add_b_beside_a() {
    return ZoneChange{"example.test.",
                      {{ChangeAction::add, kOwner, LDNS_RR_TYPE_TLSA, 300, "3 1 1 " + kHashB},
                       {ChangeAction::remove, kOwner, LDNS_RR_TYPE_TLSA, 0, "3 1 1 " + kHashA}},
                      {{kOwner, LDNS_RR_TYPE_TLSA, 300, {"3 1 1 " + kHashA}}}};
}

std::string text(const ldns_rr* rr) {
    ldns::CStringPtr s(ldns_rr2str(rr));
    return s.get();
}

TEST(UpdateMessage, EverySectionOfAGuardedDelta) {
    auto pkt = build_update(add_b_beside_a());
    ASSERT_TRUE(pkt.ok()) << pkt.error().message;
    EXPECT_EQ(ldns_pkt_get_opcode(pkt->get()), LDNS_PACKET_UPDATE);
    // Zone section: example.test. SOA IN.
    ASSERT_EQ(ldns_update_zocount(pkt->get()), 1);
    const ldns_rr* zone = ldns_rr_list_rr(ldns_pkt_question(pkt->get()), 0);
    EXPECT_EQ(ldns_rr_get_type(zone), LDNS_RR_TYPE_SOA);
    EXPECT_EQ(ldns_rr_get_class(zone), LDNS_RR_CLASS_IN);
    // Prerequisite: the exact observed RRset, class IN, TTL 0 (RFC 2136 2.4.2).
    ASSERT_EQ(ldns_update_prcount(pkt->get()), 1);
    const ldns_rr* pre = ldns_rr_list_rr(ldns_pkt_answer(pkt->get()), 0);
    EXPECT_EQ(text(pre), kOwner + "\t0\tIN\tTLSA\t3 1 1 " + kHashA + "\n");
    // Updates: add with its TTL; delete one RR with class NONE, TTL 0 (2.5.4).
    ASSERT_EQ(ldns_update_upcount(pkt->get()), 2);
    const ldns_rr_list* up = ldns_pkt_authority(pkt->get());
    EXPECT_EQ(text(ldns_rr_list_rr(up, 0)), kOwner + "\t300\tIN\tTLSA\t3 1 1 " + kHashB + "\n");
    EXPECT_EQ(ldns_rr_get_class(ldns_rr_list_rr(up, 1)), LDNS_RR_CLASS_NONE);
    EXPECT_EQ(ldns_rr_ttl(ldns_rr_list_rr(up, 1)), 0U);
    EXPECT_EQ(ldns_update_ad(pkt->get()), 0);
}

TEST(UpdateMessage, SignedMessageCarriesTheKeysTsig) {
    auto pkt = build_update(add_b_beside_a());
    ASSERT_TRUE(pkt.ok());
    ASSERT_EQ(
        ldns_pkt_tsig_sign(pkt->get(), "dk-update.", "c2VjcmV0", 300, "hmac-sha512.", nullptr),
        LDNS_STATUS_OK);
    const ldns_rr* tsig = ldns_pkt_tsig(pkt->get());
    ASSERT_NE(tsig, nullptr);
    ldns::CStringPtr owner(ldns_rdf2str(ldns_rr_owner(tsig)));
    ldns::CStringPtr algorithm(ldns_rdf2str(ldns_rr_rdf(tsig, 0)));
    EXPECT_STREQ(owner.get(), "dk-update.");
    EXPECT_STREQ(algorithm.get(), "hmac-sha512.");
    EXPECT_EQ(ldns_rdf_size(ldns_rr_rdf(tsig, 3)), 2U + 64U);  // length + SHA-512 MAC
}

TEST(UpdateMessage, EmptyRrsetIsGuardedByRrsetDoesNotExist) {
    ZoneChange change{"example.test.",
                      {{ChangeAction::add, kOwner, LDNS_RR_TYPE_TLSA, 300, "3 1 1 " + kHashB}},
                      {{kOwner, LDNS_RR_TYPE_TLSA, 0, {}}}};
    auto pkt = build_update(change);
    ASSERT_TRUE(pkt.ok());
    // Through the wire and back: class NONE, TTL 0, RDLENGTH 0 (RFC 2136 2.4.3).
    std::uint8_t* wire = nullptr;
    std::size_t size = 0;
    ASSERT_EQ(ldns_pkt2wire(&wire, pkt->get(), &size), LDNS_STATUS_OK);
    ldns_pkt* parsed = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&parsed, wire, size), LDNS_STATUS_OK);
    LDNS_FREE(wire);
    ldns::PktPtr back(parsed);
    const ldns_rr* pre = ldns_rr_list_rr(ldns_pkt_answer(back.get()), 0);
    EXPECT_EQ(ldns_rr_get_class(pre), LDNS_RR_CLASS_NONE);
    EXPECT_EQ(ldns_rr_get_type(pre), LDNS_RR_TYPE_TLSA);
    EXPECT_EQ(ldns_rr_ttl(pre), 0U);
    EXPECT_EQ(ldns_rr_rd_count(pre), 0U);
}

TEST(UpdateMessage, RefusesUnguardedAndOutsideAndStructuralChanges) {
    ZoneChange unguarded = add_b_beside_a();
    unguarded.expected.clear();
    EXPECT_NE(build_update(unguarded).error().message.find("to guard"), std::string::npos);
    ZoneChange outside = add_b_beside_a();
    outside.changes[0].owner = "_25._tcp.mx.other.test.";
    EXPECT_NE(build_update(outside).error().message.find("outside zone"), std::string::npos);
    ZoneChange ns = add_b_beside_a();
    ns.changes[0].type = LDNS_RR_TYPE_NS;
    EXPECT_EQ(build_update(ns).error().kind, ErrorKind::bad_input);
    ZoneChange bad = add_b_beside_a();
    bad.changes[0].rdata = "3 1 1 zz";
    EXPECT_EQ(build_update(bad).error().kind, ErrorKind::bad_input);
}

// A security review's finding: a CA-supplied name became the TXT owner and the UPDATE was
// built by joining text, so "OWNER 60 IN NS ..." added an NS record. Owner text is a domain
// name or nothing; rdata text is the declared type or nothing.
const std::string kChallengeOwner = "_acme-challenge.mx1.example.test.";

ZoneChange txt_add(const std::string& owner, ldns_rr_type type, const std::string& rdata) {
    return ZoneChange{
        "example.test.", {{ChangeAction::add, owner, type, 60, rdata}}, {{owner, type, 0, {}}}};
}

// Every record of the update section, whatever section it is in, as (type, owner) pairs.
std::vector<std::pair<ldns_rr_type, std::string>> update_records(const ldns_pkt& pkt) {
    std::vector<std::pair<ldns_rr_type, std::string>> out;
    for (const ldns_rr_list* list : {ldns_pkt_answer(&pkt), ldns_pkt_authority(&pkt)}) {
        for (std::size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
            const ldns_rr* rr = ldns_rr_list_rr(list, i);
            ldns::CStringPtr owner(ldns_rdf2str(ldns_rr_owner(rr)));
            out.emplace_back(ldns_rr_get_type(rr), owner.get());
        }
    }
    return out;
}

TEST(UpdateMessage, OwnerTextCannotInjectAnotherRecord) {
    for (const std::string injected :
         {"NS ns.attacker.test.", "CNAME evil.attacker.test.", "DNAME attacker.test."}) {
        // The tail keeps the text inside the zone, so only the record syntax can stop it.
        for (const std::string tail : {" ; .", " ; mx1.example.test."}) {
            const std::string owner = "_acme-challenge.mx1.example.test. 60 IN " + injected + tail;
            const ZoneChange change = txt_add(owner, LDNS_RR_TYPE_TXT, "\"v\"");
            auto pkt = build_update(change);
            EXPECT_FALSE(pkt.ok())
                << owner << " built " << ::testing::PrintToString(update_records(**pkt));
            EXPECT_FALSE(minimal_delta(change).ok()) << owner;
            EXPECT_FALSE(absolute_owner(owner, "example.test.").ok()) << owner;
        }
    }
}

TEST(UpdateMessage, RdataTextCannotAddAnotherRecord) {
    const ZoneChange change = txt_add(kChallengeOwner, LDNS_RR_TYPE_TXT,
                                      "\"v\"\n_acme-challenge.mx1.example.test. 60 IN NS evil.");
    auto pkt = build_update(change);
    ASSERT_FALSE(pkt.ok()) << ::testing::PrintToString(update_records(**pkt));
    EXPECT_EQ(pkt.error().kind, ErrorKind::bad_input);
}

TEST(UpdateMessage, OnlyTheDeclaredTypeReachesTheUpdate) {
    // Zone structure and aliases are never ours to change, whatever the rdata says.
    for (const ldns_rr_type type : {LDNS_RR_TYPE_CNAME, LDNS_RR_TYPE_DNAME, LDNS_RR_TYPE_NS}) {
        auto pkt = build_update(txt_add(kChallengeOwner, type, "attacker.test."));
        EXPECT_FALSE(pkt.ok()) << rr_type_name(type);
    }
    auto pkt = build_update(txt_add(kChallengeOwner, LDNS_RR_TYPE_TXT, "\"v\""));
    ASSERT_TRUE(pkt.ok()) << pkt.error().message;
    using Record = std::pair<ldns_rr_type, std::string>;
    EXPECT_EQ(update_records(**pkt), (std::vector<Record>{{LDNS_RR_TYPE_TXT, kChallengeOwner},
                                                          {LDNS_RR_TYPE_TXT, kChallengeOwner}}));
}

TEST(UpdateMessage, TxtCharacterStringHoldsAnyTextAsOneString) {
    for (const std::string& value : {std::string("sYAwVrqD-tVOu_J"), std::string("a \"b\"; c"),
                                     std::string("x\ny. 60 IN NS evil.")}) {
        auto rdata = txt_character_string(value);
        ASSERT_TRUE(rdata.ok()) << rdata.error().message;
        auto pkt = build_update(txt_add(kChallengeOwner, LDNS_RR_TYPE_TXT, *rdata));
        ASSERT_TRUE(pkt.ok()) << *rdata << ": " << pkt.error().message;
        const ldns_rr* added = ldns_rr_list_rr(ldns_pkt_authority(pkt->get()), 0);
        ASSERT_EQ(ldns_rr_rd_count(added), 1U) << *rdata;
        const ldns_rdf* field = ldns_rr_rdf(added, 0);
        ASSERT_EQ(ldns_rdf_get_type(field), LDNS_RDF_TYPE_STR);
        const std::uint8_t* data = ldns_rdf_data(field);
        EXPECT_EQ(std::string(reinterpret_cast<const char*>(data) + 1, data[0]), value);
    }
    EXPECT_FALSE(txt_character_string(std::string(256, 'a')).ok());
}

TEST(UpdateMessage, MinimalDeltaDropsNoOps) {
    ZoneChange change = add_b_beside_a();
    change.changes.push_back(
        {ChangeAction::add, kOwner, LDNS_RR_TYPE_TLSA, 300, "3 1 1 " + kHashA});
    change.changes.push_back(
        {ChangeAction::remove, kOwner, LDNS_RR_TYPE_TLSA, 0, "2 1 1 " + kHashB});
    change.changes[0].rdata = "3 1 1 " + std::string(64, 'B');  // upper-case hex: same record
    auto delta = minimal_delta(change);
    ASSERT_TRUE(delta.ok()) << delta.error().message;
    ASSERT_EQ(delta->changes.size(), 2U);
    EXPECT_EQ(delta->changes[0].rdata, "3 1 1 " + kHashB);
    EXPECT_EQ(delta->changes[1].action, ChangeAction::remove);
    EXPECT_EQ(apply_to(delta->expected[0], delta->changes).rdatas,
              std::vector<std::string>{"3 1 1 " + kHashB});
}

TEST(UpdateMessage, OwnersRelativeOrAbsolute) {
    EXPECT_EQ(*absolute_owner("_25._tcp.MX1", "example.test."), kOwner);
    EXPECT_EQ(*absolute_owner("@", "example.test."), "example.test.");
    EXPECT_EQ(*absolute_owner(kOwner, "example.test."), kOwner);
    EXPECT_FALSE(absolute_owner("mx.example.org.", "example.test.").ok());
}

}  // namespace
}  // namespace dk::zone

namespace dk::zone {
namespace {

// TXT strings are case-sensitive (ACME dns-01 values are base64url): only hex and names are
// lowered.
TEST(CanonicalRdata, TxtKeepsItsCaseTlsaHexIsLowered) {
    EXPECT_EQ(*canonical_rdata(LDNS_RR_TYPE_TXT, "\"sYAwVrqD-tVOu_J\""), "\"sYAwVrqD-tVOu_J\"");
    EXPECT_EQ(*canonical_rdata(LDNS_RR_TYPE_TLSA, "3 1 1 ABCDEF"), "3 1 1 abcdef");
}

}  // namespace
}  // namespace dk::zone
