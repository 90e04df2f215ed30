// DS and key tag known answers: RFC 4034 5.4 (SHA-1), RFC 4509 2.3 (SHA-256), and ldns's own
// ldns_key_rr2ds / ldns_calc_keytag on keys of every algorithm we make.
#include "zone/dnssec_keys/ds.h"

#include <gtest/gtest.h>

#include "base/hex.h"
#include "base/ldns_handles.h"
#include "zone/sign/dnssec_key.h"

namespace dk::zone::dnssec_keys {
namespace {

// The key of RFC 4034 section 5.4 (RSASHA1, key tag 60485).
constexpr const char* rfc4034_key =
    "dskey.example.com. 86400 IN DNSKEY 256 3 5 "
    "AQOeiiR0GOMYkDshWoSKz9XzfwJr1AYtsmx3TGkJaNXVbfi/2pHm822aJ5iI9BMzNXxeYCmZDRD99WYwYqUSdjMmmAphX"
    "dvxegXd/M5+X7OrzKBaMbCVdFLUUh6DhweJBjEVv5f2wwjM9XzcnOf+EPbtG9DMBmADjFDc2w/rljwvFw==";

ldns::RrPtr parse_rr(const std::string& text) {
    ldns_rr* rr = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK) << text;
    return ldns::RrPtr(rr);
}

std::string rdata_wire(const ldns_rr* rr) {
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr); ++i) {
        const ldns_rdf* f = ldns_rr_rdf(rr, i);
        out.append(reinterpret_cast<const char*>(ldns_rdf_data(f)), ldns_rdf_size(f));
    }
    return out;
}

std::string digest_hex(const std::string& ds) {
    return to_hex(reinterpret_cast<const std::uint8_t*>(ds.data()) + 4, ds.size() - 4);
}

TEST(Ds, Rfc4034Section5_4Sha1) {
    const auto key = parse_rr(rfc4034_key);
    const std::string rdata = rdata_wire(key.get());
    EXPECT_EQ(sign::key_tag(rdata), 60485);
    const auto owner = owner_wire("dskey.example.com.").value();
    const auto ds = ds_rdata(owner, rdata, DigestType::sha1).value();
    EXPECT_EQ(ds_text(ds), "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118");
}

TEST(Ds, Rfc4509Section2_3Sha256) {
    const auto key = parse_rr(rfc4034_key);
    const auto owner = owner_wire("DSKEY.Example.COM.").value();  // canonical: lower case
    const auto ds = ds_rdata(owner, rdata_wire(key.get()), DigestType::sha256).value();
    EXPECT_EQ(digest_hex(ds), "d4b7d520e7bb5f0f67674a0cceb1e3e0614b93c4f9e99b8383f6a1e4469da50a");
}

TEST(Ds, AgreesWithLdnsForEveryAlgorithmWeMake) {
    for (const auto alg :
         {sign::Algorithm::ecdsap256sha256, sign::Algorithm::ed25519, sign::Algorithm::rsasha256}) {
        const auto key = sign::SigningKey::generate(alg, 257).value();
        const std::string rdata = key.dnskey().rdata();
        const auto rr = parse_rr("Example.Test. 3600 IN DNSKEY " + dnskey_text(rdata));
        EXPECT_EQ(rdata_wire(rr.get()), rdata);
        EXPECT_EQ(ldns_calc_keytag(rr.get()), sign::key_tag(rdata));
        const auto owner = owner_wire("example.test.").value();
        for (const auto& [mine, theirs] :
             {std::pair{DigestType::sha1, LDNS_SHA1}, std::pair{DigestType::sha256, LDNS_SHA256},
              std::pair{DigestType::sha384, LDNS_SHA384}}) {
            ldns::RrPtr ds(ldns_key_rr2ds(rr.get(), theirs));
            ASSERT_TRUE(ds);
            EXPECT_EQ(ds_rdata(owner, rdata, mine).value(), rdata_wire(ds.get()));
            EXPECT_TRUE(ds_matches(rdata_wire(ds.get()), owner, rdata));
        }
    }
}

TEST(Ds, MatchesOnlyItsOwnKeyAndOwner) {
    const auto a = sign::SigningKey::generate(sign::Algorithm::ecdsap256sha256, 257).value();
    const auto b = sign::SigningKey::generate(sign::Algorithm::ecdsap256sha256, 257).value();
    const auto owner = owner_wire("example.test.").value();
    const auto ds = ds_rdata(owner, a.dnskey().rdata()).value();
    EXPECT_TRUE(ds_matches(ds, owner, a.dnskey().rdata()));
    EXPECT_FALSE(ds_matches(ds, owner, b.dnskey().rdata()));
    EXPECT_FALSE(ds_matches(ds, owner_wire("other.test.").value(), a.dnskey().rdata()));
    std::string wrong_type = ds;
    wrong_type[3] = 3;  // GOST: not ours
    EXPECT_FALSE(ds_matches(wrong_type, owner, a.dnskey().rdata()));
    EXPECT_FALSE(ds_matches("", owner, a.dnskey().rdata()));
    EXPECT_FALSE(ds_rdata(owner, "\x01\x01").ok());
}

TEST(Ds, OwnerWireIsCanonical) {
    EXPECT_EQ(owner_wire("Example.TEST").value(), std::string("\x07"
                                                              "example\x04test\x00",
                                                              14));
    EXPECT_EQ(owner_wire(".").value(), std::string("\x00", 1));
}

}  // namespace
}  // namespace dk::zone::dnssec_keys
