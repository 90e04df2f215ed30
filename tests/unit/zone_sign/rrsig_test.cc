// RRSIGs: the signed data of RFC 4034 3.1.8.1 against the RFC 8080 example, the RFC 8080 and
// RFC 6605 example keys, and signatures made by us for all three algorithms verified by ldns.
#include "zone/sign/rrsig.h"

#include <gtest/gtest.h>

#include <set>

#include "base/hex.h"
#include "zone/sign/key_files.h"
#include "zone/sign/record_text.h"
#include "zone/sign/signer.h"
#include "zone/sign/wire.h"
#include "zone/sign/zone_reader.h"
#include "zone_sign/ldns_check.h"

namespace dk::zone::sign {
namespace {

const char* rfc8080_private =
    "Private-key-format: v1.2\nAlgorithm: 15 (ED25519)\n"
    "PrivateKey: ODIyNjAzODQ2MjgwODAxMjI2NDUxOTAyMDQxNDIyNjI=\n";
const char* rfc8080_dnskey =
    "example.com. 3600 IN DNSKEY 257 3 15 "
    "l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=";

SigningKey rfc8080_key() {
    auto dnskey = parse_public_key(rfc8080_dnskey, "example.com.", "rfc8080.key");
    EXPECT_TRUE(dnskey.ok());
    auto key = parse_private_key(rfc8080_private, *dnskey, "rfc8080.private");
    EXPECT_TRUE(key.ok()) << (key.ok() ? "" : key.error().message);
    return *key;
}

std::string hex(std::string_view bytes) {
    std::string out;
    append_hex(out, bytes);
    return out;
}

TEST(ExampleKeys, Rfc8080Ed25519) {
    const SigningKey key = rfc8080_key();
    EXPECT_EQ(key.tag(), 3613);
    EXPECT_EQ(key.algorithm(), Algorithm::ed25519);
}

TEST(ExampleKeys, Rfc6605EcdsaP256) {
    auto dnskey = parse_public_key(
        "example.net. 3600 IN DNSKEY 257 3 13 GojIhhXUN/u4v54ZQqGSnyhWJwaubCvTmeexv7bR6edbkrSqQpF6"
        "4cYbcB7wNcP+e+MAnLr+Wi9xMWyQLc8NAA==",
        "example.net.", "rfc6605.key");
    ASSERT_TRUE(dnskey.ok());
    auto key = parse_private_key(
        "Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
        "PrivateKey: GU6SnQ/Ou+xC5RumuIUIuJZteXT2z0O/ok1s38Et6mQ=\n",
        *dnskey, "rfc6605.private");
    ASSERT_TRUE(key.ok()) << key.error().message;
    EXPECT_EQ(key->tag(), 55648);
}

// RFC 8080 6.1: example.com. 3600 IN MX 10 mail.example.com., signed 2015-07-29/2015-08-19.
TEST(SignedData, Rfc8080Example) {
    const SigningKey key = rfc8080_key();
    auto mx = parse_record("example.com. 3600 IN MX 10 mail.example.com.", "example.com.");
    ASSERT_TRUE(mx.ok());
    Rrset rrset{type_mx, 3600, {}, {}};
    rrset.rdatas.push_back(mx->rdata);
    std::string data;
    append_rrsig_header(data, mx->owner, rrset, key, mx->owner, 1438207200, 1440021600);
    append_signed_data(data, mx->owner, rrset);
    EXPECT_EQ(hex(data),
              "000f0f0200000e1055d4fc6055b94ce00e1d076578616d706c6503636f6d00"
              "076578616d706c6503636f6d00000f000100000e100014000a046d61696c076578616d706c6503636f"
              "6d00");
}

TEST(SignedData, RecordsInCanonicalRdataOrderWithTheRrsetTtl) {
    Zone zone = testing::zone_from_text(
        "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\nwww 60 A 192.0.2.20\nwww 30 A 192.0.2.3\n");
    const Rrset* a = zone.find(*wire_origin("www.example.test."))->find(type_a);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->ttl, 30u);  // the smallest when they disagree
    std::string data;
    append_signed_data(data, zone.nodes[1].name, *a);
    // owner | type A | class IN | TTL 30 | RDLENGTH 4 | address, 192.0.2.3 before 192.0.2.20
    const std::string owner = "03777777076578616d706c65047465737400";
    EXPECT_EQ(hex(data),
              owner + "000100010000001e0004c0000203" + owner + "000100010000001e0004c0000214");
}

const std::string small_zone = R"($TTL 300
@        SOA ns1 hostmaster 1 7200 3600 1209600 60
         NS  ns1
         MX  10 mx1
ns1      A   192.0.2.1
mx1      A   192.0.2.2
         AAAA 2001:db8::2
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
*.wild   TXT "hello"
sub      NS  ns.sub
sub      DS  12345 13 2 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
ns.sub   A   192.0.2.5
)";

class EveryAlgorithm : public ::testing::TestWithParam<std::pair<Algorithm, Denial>> {};

TEST_P(EveryAlgorithm, LdnsVerifiesEverySignature) {
    const auto [algorithm, denial] = GetParam();
    Zone zone = testing::zone_from_text(small_zone);
    const KeySet keys = testing::two_keys(algorithm);
    SignOptions options;
    options.denial = denial;
    ASSERT_TRUE(prepare_zone(zone, keys, options).ok());
    auto stats = sign_prepared(zone, keys, options, nullptr, testing::test_now());
    ASSERT_TRUE(stats.ok()) << stats.error().message;
    std::size_t checked = 0;
    EXPECT_EQ(testing::verify_with_ldns(zone, testing::test_now(), &checked),
              std::vector<std::string>{});
    EXPECT_EQ(checked, stats->signatures_made);
    // Nothing but the zone's own data is signed: not the delegation's NS, not glue.
    EXPECT_TRUE(zone.find(*wire_origin("sub.example.test."))->find(type_ns)->sigs.empty());
    EXPECT_TRUE(zone.find(*wire_origin("ns.sub.example.test."))->find(type_a)->sigs.empty());
    EXPECT_FALSE(zone.find(*wire_origin("sub.example.test."))->find(type_ds)->sigs.empty());
    // DNSKEY by the KSK only, everything else by the ZSK only.
    const std::uint16_t ksk = keys.key_signing[0].tag();
    zone.apex().find(type_dnskey)->sigs.for_each([&](std::string_view s) {
        EXPECT_EQ(get16(s, 16), ksk);
    });
    EXPECT_EQ(zone.apex().find(type_soa)->sigs.count(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, EveryAlgorithm,
                         ::testing::Values(std::pair{Algorithm::ecdsap256sha256, Denial::nsec},
                                           std::pair{Algorithm::ecdsap256sha256, Denial::nsec3},
                                           std::pair{Algorithm::ed25519, Denial::nsec},
                                           std::pair{Algorithm::rsasha256, Denial::nsec3}));

TEST(Validity, InceptionBackdatedExpirationJitteredWithinTheWindow) {
    Zone zone = testing::zone_from_text(small_zone);
    const KeySet keys = testing::two_keys(Algorithm::ed25519);
    SignOptions options;
    ASSERT_TRUE(prepare_zone(zone, keys, options).ok());
    ASSERT_TRUE(sign_prepared(zone, keys, options, nullptr, testing::test_now()).ok());
    const auto now = static_cast<std::uint32_t>(unix_seconds(testing::test_now()));
    std::set<std::uint32_t> expirations;
    for (const auto& n : zone.nodes) {
        for (const auto& r : n.rrsets) {
            r.sigs.for_each([&](std::string_view s) {
                const std::uint32_t exp = get32(s, 8);
                const std::uint32_t inc = get32(s, 12);
                EXPECT_EQ(inc, now - 3600);
                EXPECT_LE(exp, now + 14 * 86400);
                EXPECT_GE(exp, now + 14 * 86400 - 12 * 3600);
                expirations.insert(exp);
            });
        }
    }
    EXPECT_GT(expirations.size(), 5u);  // spread, not all at once
}

}  // namespace
}  // namespace dk::zone::sign
