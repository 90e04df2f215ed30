// DNSSEC validation of a TLSA RRset with keys made here and a fixed clock: the happy path, then
// one test per way it must fail (expired, not yet valid, wrong key, missing RRSIG, wrong owner,
// tampered data, a trust anchor that matches no key).
#include <gtest/gtest.h>

#include "tests/unit/zone_observe/test_signer.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

using testing::during;
using testing::expiration;
using testing::inception;
using testing::list_of;
using testing::rr;
using testing::Signer;

class Validation : public ::testing::Test {
  protected:
    Validation() {
        tlsa = list_of({rr("_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 "
                           "0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062")
                            .get()});
        keys = list_of({signer.dnskey.get()});
        key_sigs = signer.sign(*keys);
        sigs = signer.sign(*tlsa);
        anchors = list_of({ldns::RrPtr(ldns_key_rr2ds(signer.dnskey.get(), LDNS_SHA256)).get()});
    }
    Status check(TimePoint at = during) {
        return validate_rrset(*tlsa, *sigs, *keys, *key_sigs, anchors.get(), at);
    }

    Signer signer;
    ldns::RrListPtr tlsa, keys, key_sigs, sigs, anchors;
};

TEST_F(Validation, ValidFromTheTrustAnchor) {
    auto s = check();
    EXPECT_TRUE(s.ok()) << s.error().message;
    EXPECT_TRUE(validate_rrset(*tlsa, *sigs, *keys, *key_sigs, nullptr, during).ok());
}

TEST_F(Validation, ExpiredSignature) {
    auto s = check(expiration + Seconds{1});
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("expired"), std::string::npos) << s.error().message;
}

TEST_F(Validation, NotYetValidSignature) {
    auto s = check(inception - Seconds{3600});
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::check_failed);
}

TEST_F(Validation, SignedByAnotherKey) {
    Signer other;
    sigs = other.sign(*tlsa);
    EXPECT_FALSE(check().ok());
}

TEST_F(Validation, MissingRrsig) {
    sigs.reset(ldns_rr_list_new());
    auto s = check();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("no RRSIG"), std::string::npos);
}

TEST_F(Validation, SignatureForAnotherOwner) {
    auto elsewhere = list_of({rr("_25._tcp.mx2.example.net. 300 IN TLSA 3 1 1 "
                                 "0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062")
                                  .get()});
    sigs = signer.sign(*elsewhere);
    EXPECT_FALSE(check().ok());
}

TEST_F(Validation, TamperedData) {
    tlsa = list_of({rr("_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 "
                       "1c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062")
                        .get()});
    EXPECT_FALSE(check().ok());
}

TEST_F(Validation, TrustAnchorMatchesNoKey) {
    Signer other;
    anchors = list_of({ldns::RrPtr(ldns_key_rr2ds(other.dnskey.get(), LDNS_SHA256)).get()});
    auto s = check();
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("trust anchor"), std::string::npos);
}

TEST_F(Validation, DnskeyRrsetNotSignedByTheAnchoredKey) {
    Signer other;
    key_sigs = other.sign(*keys);
    EXPECT_FALSE(check().ok());
}

TEST(TrustAnchors, ParsesDsAndDnskeyFilesAndRefusesOthers) {
    auto ds = parse_trust_anchors(
        "; comment\nexample.net. 3600 IN DS 12345 13 2 "
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        "anchor.ds");
    ASSERT_TRUE(ds.ok()) << ds.error().message;
    EXPECT_EQ(ldns_rr_list_rr_count(ds->get()), 1u);
    auto a = parse_trust_anchors("example.net. 300 IN A 192.0.2.1\n", "anchor.ds");
    ASSERT_FALSE(a.ok());
    EXPECT_NE(a.error().message.find("anchor.ds:1"), std::string::npos);
    EXPECT_FALSE(parse_trust_anchors("", "empty").ok());
}

// Found by the trust_anchor fuzz target: ldns reads a line as a C string, so whatever followed
// a NUL byte was dropped unseen and the line taken for what came before it.
TEST(TrustAnchors, RefusesANulByteInsteadOfReadingUpToIt) {
    using namespace std::string_literals;
    const std::string digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    auto cut = parse_trust_anchors(
        "; comment\nexample.net. 3600 IN DS 12345 13 2 "s + digest + "\0 ignored\n"s, "anchor.ds");
    ASSERT_FALSE(cut.ok());
    EXPECT_EQ(cut.error().message, "anchor.ds:2: a NUL byte");
}

// Found by the trust_anchor fuzz target (under UBSan): ldns takes "TYPE327683601" and keeps the
// number in its type enum, which holds 16 bits; asking the RR its type was undefined behaviour.
TEST(TrustAnchors, RefusesATypeOrClassNumberBeyondSixteenBits) {
    auto type = parse_trust_anchors("example.test.e.test. TYPE327683601.2.1\n", "anchor.ds");
    ASSERT_FALSE(type.ok());
    EXPECT_EQ(type.error().message, "anchor.ds:1: a type or class number beyond 65535");
    auto klass = parse_trust_anchors(
        "example.net. 3600 CLASS70000 DS 12345 13 2 "
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
        "anchor.ds");
    ASSERT_FALSE(klass.ok());
    EXPECT_EQ(klass.error().message, "anchor.ds:1: a type or class number beyond 65535");
}

// Found by the trust_anchor fuzz target: ldns takes "DS 0 1 2 \f" (an empty digest) and a
// SHA-256 digest of 3 bytes; such an anchor matches no key, so every validation would fail later
// instead of the file being refused now.
TEST(TrustAnchors, RefusesADsDigestOfTheWrongLength) {
    auto empty = parse_trust_anchors("example.net. 3600 IN DS 12345 13 2 \f\n", "anchor.ds");
    ASSERT_FALSE(empty.ok());
    EXPECT_EQ(empty.error().message, "anchor.ds:1: a DS without a digest");
    auto empty_unknown_type = parse_trust_anchors("e DS 0 1 0 \f\n", "anchor.ds");
    ASSERT_FALSE(empty_unknown_type.ok());
    EXPECT_EQ(empty_unknown_type.error().message, "anchor.ds:1: a DS without a digest");
    auto shorter =
        parse_trust_anchors("; comment\nexample.net. 3600 IN DS 12345 13 2 4d7116\n", "anchor.ds");
    ASSERT_FALSE(shorter.ok());
    EXPECT_EQ(shorter.error().message, "anchor.ds:2: a DS digest of type 2 is 32 bytes, not 3");
    EXPECT_TRUE(parse_trust_anchors("example.net. 3600 IN DS 12345 13 1 "
                                    "0123456789abcdef0123456789abcdef01234567\n",
                                    "anchor.ds")
                    .ok());
}

}  // namespace
}  // namespace dk::zone

namespace dk::zone {
namespace {

// The CNAMEs from an endpoint's owner to a shared TLSA owner are validated like the TLSA RRset:
// an unsigned or wrongly signed CNAME could point the observer at records the owner lacks.
class CnameLinks : public Validation {
  protected:
    SignedRrset link_signed_by(const testing::Signer* by) {
        SignedRrset link;
        ldns_rr_list_push_rr(link.rrs.get(),
                             ldns_rr_clone(testing::rr("_25._tcp.mx1.example.net. 300 IN CNAME "
                                                       "_dane.mx.example.net.")
                                               .get()));
        if (by != nullptr) {
            auto sigs_of_link = by->sign(*link.rrs);
            while (ldns_rr_list_rr_count(sigs_of_link.get()) > 0)
                ldns_rr_list_push_rr(link.sigs.get(), ldns_rr_list_pop_rr(sigs_of_link.get()));
        }
        return link;
    }
};

TEST_F(CnameLinks, ASignedCnameValidates) {
    std::vector<SignedRrset> links;
    links.push_back(link_signed_by(&signer));
    auto s = validate_cname_links(links, *keys, *key_sigs, anchors.get(), testing::during);
    EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST_F(CnameLinks, AnUnsignedCnameIsRefusedNamingIt) {
    std::vector<SignedRrset> links;
    links.push_back(link_signed_by(nullptr));
    auto s = validate_cname_links(links, *keys, *key_sigs, anchors.get(), testing::during);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("CNAME at _25._tcp.mx1.example.net. carries no RRSIG"),
              std::string::npos)
        << s.error().message;
}

TEST_F(CnameLinks, ACnameSignedByAnotherKeyIsRefused) {
    testing::Signer impostor;
    std::vector<SignedRrset> links;
    links.push_back(link_signed_by(&impostor));
    auto s = validate_cname_links(links, *keys, *key_sigs, anchors.get(), testing::during);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("CNAME at _25._tcp.mx1.example.net."), std::string::npos)
        << s.error().message;
}

}  // namespace
}  // namespace dk::zone
