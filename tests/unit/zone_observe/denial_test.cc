// Denial proofs of an empty TLSA answer, from crafted authority sections signed here: an empty
// NOERROR without NSEC, an NSEC that lists TLSA (or CNAME), a bad RRSIG, a wildcard's NSEC
// replayed at the owner are all refused; valid NSEC and NSEC3 NODATA and no-such-name proofs
// (with the wildcard denied) are accepted, NSEC3 opt-out and costly iteration counts are not.
#include <gtest/gtest.h>

#include "tests/unit/zone_observe/test_signer.h"
#include "zone/denial_proof.h"

namespace dk::zone {
namespace {

using testing::during;
using testing::list_of;
using testing::rr;
using testing::Signer;

const std::string kZone = "example.net.";
const std::string kOwner = "_25._tcp.mx1.example.net.";
const std::string kMissing = "_25._tcp.mx2.example.net.";  // sorts between mx1's names and www

// The NSEC3 hash of `name` (salt "aabb"), as the owner's first label.
std::string nsec3_hash(const std::string& name, std::uint16_t iterations = 0) {
    ldns::RdfPtr dname(ldns_dname_new_frm_str(name.c_str()));
    const std::uint8_t salt[] = {0xaa, 0xbb};
    ldns::RdfPtr hashed(ldns_nsec3_hash_name(dname.get(), 1, iterations, 2, salt));
    ldns::CStringPtr text(ldns_rdf2str(hashed.get()));
    std::string label(text.get());
    while (!label.empty() && label.back() == '.') label.pop_back();
    return label;
}

class Denial : public ::testing::Test {
  protected:
    Denial() {
        keys = list_of({signer.dnskey.get()});
        key_sigs = signer.sign(*keys);
        anchors = list_of({ldns::RrPtr(ldns_key_rr2ds(signer.dnskey.get(), LDNS_SHA256)).get()});
        authority.reset(ldns_rr_list_new());
        add(kZone + " 300 IN SOA ns1.example.net. hostmaster.example.net. 1 3600 600 86400 300",
            false);
    }
    // Adds a record to the authority section, with its RRSIG by `by` (the zone's key unless
    // given) when `signed_too`.
    void add(const std::string& text, bool signed_too = true, const Signer* by = nullptr) {
        ldns::RrPtr record = rr(text);
        if (signed_too) {
            auto sigs = (by != nullptr ? *by : signer).sign(*list_of({record.get()}));
            while (ldns_rr_list_rr_count(sigs.get()) > 0)
                ldns_rr_list_push_rr(authority.get(), ldns_rr_list_pop_rr(sigs.get()));
        }
        ldns_rr_list_push_rr(authority.get(), record.release());
    }
    Result<DenialProof> check(const std::string& name = kOwner) {
        ldns::RdfPtr owner(ldns_dname_new_frm_str(name.c_str()));
        ldns::RdfPtr zone(ldns_dname_new_frm_str(kZone.c_str()));
        return verify_denial(*authority, *owner, LDNS_RR_TYPE_TLSA, *zone, *keys, *key_sigs,
                             anchors.get(), during);
    }
    void expect_refused(const std::string& why, const std::string& name = kOwner) {
        auto proof = check(name);
        ASSERT_FALSE(proof.ok()) << to_string(*proof);
        EXPECT_EQ(proof.error().kind, ErrorKind::check_failed);
        EXPECT_NE(proof.error().message.find(why), std::string::npos) << proof.error().message;
    }
    // A two-record NSEC3 chain: the apex's record and one at hash 0...0; together they cover
    // every hash but their own two owners.
    void add_nsec3_chain(const std::string& flags, const std::string& apex_types) {
        const std::string apex = nsec3_hash(kZone);
        const std::string low(32, '0');
        add(apex + "." + kZone + " 300 IN NSEC3 1 " + flags + " 0 aabb " + low + " " + apex_types);
        add(low + "." + kZone + " 300 IN NSEC3 1 " + flags + " 0 aabb " + apex + " TXT RRSIG");
    }

    Signer signer;
    ldns::RrListPtr keys, key_sigs, anchors, authority;
};

TEST_F(Denial, EmptyAnswerWithoutNsecProvesNothing) {
    expect_refused("no NSEC or NSEC3");
}

TEST_F(Denial, NsecNodataAtTheOwner) {
    add(kOwner + " 300 IN NSEC www.example.net. TXT RRSIG NSEC");
    auto proof = check();
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec_nodata);
}

TEST_F(Denial, NsecThatListsTlsaProvesNothing) {
    add(kOwner + " 300 IN NSEC www.example.net. TLSA RRSIG NSEC");
    expect_refused("lists TLSA");
}

TEST_F(Denial, NsecThatListsCnameProvesNothing) {
    add(kOwner + " 300 IN NSEC www.example.net. CNAME RRSIG NSEC");
    expect_refused("lists CNAME");
}

TEST_F(Denial, NsecWithABadRrsigProvesNothing) {
    const Signer other;
    add(kOwner + " 300 IN NSEC www.example.net. TXT RRSIG NSEC", true, &other);
    expect_refused("does not validate");
}

TEST_F(Denial, NsecWithoutRrsigProvesNothing) {
    add(kOwner + " 300 IN NSEC www.example.net. TXT RRSIG NSEC", false);
    expect_refused("no RRSIG");
}

TEST_F(Denial, WildcardNsecReplayedAtTheOwnerProvesNothing) {
    // The RRSIG of *.example.net.'s NSEC validates for any name it expands to; its label count
    // (2) betrays it at a 4-label owner.
    ldns::RrPtr wildcard_nsec = rr("*.example.net. 300 IN NSEC www.example.net. TXT RRSIG NSEC");
    auto sigs = signer.sign(*list_of({wildcard_nsec.get()}));
    ldns::RrPtr replayed(ldns_rr_clone(wildcard_nsec.get()));
    ldns_rdf_deep_free(ldns_rr_owner(replayed.get()));
    ldns_rr_set_owner(replayed.get(), ldns_dname_new_frm_str(kOwner.c_str()));
    ldns_rr* sig = ldns_rr_list_pop_rr(sigs.get());
    ldns_rdf_deep_free(ldns_rr_owner(sig));
    ldns_rr_set_owner(sig, ldns_dname_new_frm_str(kOwner.c_str()));
    ldns_rr_list_push_rr(authority.get(), sig);
    ldns_rr_list_push_rr(authority.get(), replayed.release());
    expect_refused("no RRSIG");
}

TEST_F(Denial, NsecNoSuchNameWithTheWildcardDenied) {
    add(kOwner + " 300 IN NSEC www.example.net. TLSA RRSIG NSEC");
    add(kZone + " 300 IN NSEC mx1.example.net. SOA NS DNSKEY RRSIG NSEC");
    auto proof = check(kMissing);
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec_nxdomain);
}

TEST_F(Denial, NsecNoSuchNameNeedsTheWildcardDenied) {
    add(kOwner + " 300 IN NSEC www.example.net. TLSA RRSIG NSEC");
    expect_refused("wildcard *.example.net.", kMissing);
}

TEST_F(Denial, NsecWildcardThatListsTlsaProvesNothing) {
    add(kOwner + " 300 IN NSEC www.example.net. TLSA RRSIG NSEC");
    add("*.example.net. 300 IN NSEC mx1.example.net. TLSA RRSIG NSEC");
    expect_refused("lists TLSA", kMissing);
}

TEST_F(Denial, NsecEmptyNonTerminal) {
    // _tcp.mx1 exists only because _25._tcp.mx1 does: the NSEC before it names its child.
    add("mx1.example.net. 300 IN NSEC _25._tcp.mx1.example.net. A RRSIG NSEC");
    auto proof = check("_tcp.mx1.example.net.");
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec_nodata);
}

TEST_F(Denial, NsecBelowADelegationProvesNothing) {
    add("mx1.example.net. 300 IN NSEC www.example.net. NS RRSIG NSEC");
    expect_refused("delegation");
}

TEST_F(Denial, NsecAtADelegationProvesTheDsAbsentThere) {
    // The parent's NSEC at the cut: NS without DS or SOA. The DS is the parent's own record, so
    // this is the proof of an insecure delegation (RFC 6840 section 4.4), for DS alone.
    add("child.example.net. 300 IN NSEC www.example.net. NS RRSIG NSEC");
    ldns::RdfPtr cut(ldns_dname_new_frm_str("child.example.net."));
    ldns::RdfPtr zone(ldns_dname_new_frm_str(kZone.c_str()));
    auto proof = verify_denial(*authority, *cut, LDNS_RR_TYPE_DS, *zone, *keys, *key_sigs,
                               anchors.get(), during);
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec_nodata);
    expect_refused("delegation", "child.example.net.");
}

TEST_F(Denial, Nsec3NodataAtTheOwner) {
    add(nsec3_hash(kOwner) + "." + kZone + " 300 IN NSEC3 1 0 0 aabb " + std::string(32, '0') +
        " TXT RRSIG");
    auto proof = check();
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec3_nodata);
}

TEST_F(Denial, Nsec3ThatListsTlsaProvesNothing) {
    add(nsec3_hash(kOwner) + "." + kZone + " 300 IN NSEC3 1 0 0 aabb " + std::string(32, '0') +
        " TLSA RRSIG");
    expect_refused("lists TLSA");
}

TEST_F(Denial, Nsec3NoSuchNameByTheClosestEncloserProof) {
    add_nsec3_chain("0", "SOA NS DNSKEY NSEC3PARAM RRSIG");
    auto proof = check(kMissing);
    ASSERT_TRUE(proof.ok()) << proof.error().message;
    EXPECT_EQ(*proof, DenialProof::nsec3_nxdomain);
}

TEST_F(Denial, Nsec3OptOutProvesNothing) {
    add_nsec3_chain("1", "SOA NS DNSKEY NSEC3PARAM RRSIG");
    expect_refused("opt-out", kMissing);
}

TEST_F(Denial, Nsec3WithABadRrsigProvesNothing) {
    const Signer other;
    add(nsec3_hash(kOwner) + "." + kZone + " 300 IN NSEC3 1 0 0 aabb " + std::string(32, '0') +
            " TXT RRSIG",
        true, &other);
    expect_refused("does not validate");
}

TEST_F(Denial, Nsec3WithTooManyIterationsProvesNothing) {
    add(nsec3_hash(kOwner, 500) + "." + kZone + " 300 IN NSEC3 1 0 500 aabb " +
        std::string(32, '0') + " TXT RRSIG");
    expect_refused("iterations");
}

}  // namespace
}  // namespace dk::zone
