// What one reply of a parent or authoritative server says: authoritative answers only.
#include "zone/dnssec_keys/server_views.h"

#include <gtest/gtest.h>

#include "zone/dnssec_keys/ds.h"
#include "zone/dnssec_keys/planner.h"

namespace dk::zone::dnssec_keys {
namespace {

ldns::PktPtr reply(bool aa, ldns_pkt_rcode rcode, const std::vector<std::string>& answers) {
    ldns::PktPtr p(ldns_pkt_new());
    ldns_pkt_set_qr(p.get(), true);
    ldns_pkt_set_aa(p.get(), aa);
    ldns_pkt_set_rcode(p.get(), static_cast<std::uint8_t>(rcode));
    for (const auto& text : answers) {
        ldns_rr* rr = nullptr;
        EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK);
        ldns_pkt_push_rr(p.get(), LDNS_SECTION_ANSWER, rr);
    }
    return p;
}

TEST(ParentDsReply, AnAuthoritativeAnswerListsEveryDs) {
    const auto p = reply(true, LDNS_RCODE_NOERROR,
                         {"example.test. 900 IN DS 4711 13 2 "
                          "aa00000000000000000000000000000000000000000000000000000000000000",
                          "Example.Test. 600 IN DS 815 13 2 "
                          "bb00000000000000000000000000000000000000000000000000000000000000",
                          "other.test. 600 IN DS 1 13 2 "
                          "cc00000000000000000000000000000000000000000000000000000000000000"});
    const auto ds = parse_ds_reply("127.0.0.1:53", "example.test.", *p);
    EXPECT_TRUE(ds.answered) << ds.problem;
    ASSERT_EQ(ds.ds.size(), 2U);
    EXPECT_EQ(ds.ttl, 600U);
    EXPECT_EQ(
        static_cast<unsigned char>(ds.ds[0][0]) * 256 + static_cast<unsigned char>(ds.ds[0][1]),
        815);
}

TEST(ParentDsReply, NoDataIsAnAnswerWithoutDs) {
    const auto ds = parse_ds_reply("s", "example.test.", *reply(true, LDNS_RCODE_NOERROR, {}));
    EXPECT_TRUE(ds.answered);
    EXPECT_TRUE(ds.ds.empty());
}

TEST(ParentDsReply, ReferralsAndErrorsAreNoAnswer) {
    const auto referral =
        parse_ds_reply("s", "example.test.", *reply(false, LDNS_RCODE_NOERROR, {}));
    EXPECT_FALSE(referral.answered);
    EXPECT_NE(referral.problem.find("not authoritative"), std::string::npos) << referral.problem;
    const auto nx = parse_ds_reply("s", "example.test.", *reply(true, LDNS_RCODE_NXDOMAIN, {}));
    EXPECT_FALSE(nx.answered);
    EXPECT_NE(nx.problem.find("NXDOMAIN"), std::string::npos) << nx.problem;
    const auto fail = parse_ds_reply("s", "example.test.", *reply(true, LDNS_RCODE_SERVFAIL, {}));
    EXPECT_FALSE(fail.answered);
}

TEST(DnskeyReply, TakesTheZonesKeysOnly) {
    const auto p = reply(
        true, LDNS_RCODE_NOERROR,
        {"example.test. 300 IN DNSKEY 257 3 13 AQID", "example.test. 300 IN DNSKEY 257 3 13 AQID",
         "www.example.test. 300 IN DNSKEY 256 3 13 AQID"});
    auto keys = parse_rrset_reply("example.test.", LDNS_RR_TYPE_DNSKEY, *p);
    ASSERT_TRUE(keys.ok()) << keys.error().message;
    ASSERT_EQ(keys->first.size(), 1U);
    EXPECT_EQ(keys->first[0], std::string("\x01\x01\x03\x0d\x01\x02\x03", 7));
    EXPECT_EQ(keys->second, 300U);
}

}  // namespace
}  // namespace dk::zone::dnssec_keys

namespace dk::zone::dnssec_keys {
namespace {

// The planner's view of a validated parent look: a server whose DS does not validate from the
// parent's anchor holds the KSK step like a server that did not answer, even when the DS it
// serves is the new KSK's.
TEST(ParentViews, AServerWhoseDsDoesNotValidateCountsAsUnanswered) {
    KeyRecord ksk;
    ksk.role = Role::ksk;
    // A DNSKEY RDATA: flags 257, protocol 3, algorithm 13, a 64-byte public key.
    ksk.dnskey_rdata = std::string("\x01\x01\x03\x0d", 4) + std::string(64, 'k');
    const std::string owner = owner_wire("example.test.").value();
    const std::string ds = ds_rdata(owner, ksk.dnskey_rdata).value();
    ParentDsAtServer good;
    good.server = {"192.0.2.1", 53};
    good.answered = good.validated = true;
    good.ds_wire = {ds};
    good.ds = {"x"};
    good.ttl = 60;
    ParentDsAtServer bogus = good;
    bogus.server = {"192.0.2.2", 53};
    bogus.validated = false;
    bogus.problem = "example.test. DS: RRSIG does not validate";
    KeyObservations obs;
    obs.parent_observed = true;
    obs.parent = parent_views(summarize_parent_ds("example.test.", "test.", "a", {good, good}));
    EXPECT_TRUE(ds_at_every_parent_server(ksk, obs, owner));
    obs.parent = parent_views(summarize_parent_ds("example.test.", "test.", "a", {good, bogus}));
    ASSERT_EQ(obs.parent.size(), 2U);
    EXPECT_FALSE(obs.parent[1].answered);
    EXPECT_NE(obs.parent[1].problem.find("RRSIG does not validate"), std::string::npos);
    EXPECT_FALSE(ds_at_every_parent_server(ksk, obs, owner));
}

}  // namespace
}  // namespace dk::zone::dnssec_keys
