// NSEC and NSEC3 chains: RFC 5155 Appendix A hashes, links in canonical (hash) order that
// close the loop, bit maps at the apex, delegations, glue and empty non-terminals.
#include "zone/sign/denial.h"

#include <gtest/gtest.h>

#include <set>

#include "zone/sign/record_text.h"
#include "zone/sign/signer.h"
#include "zone/sign/type_bitmap.h"
#include "zone/sign/wire.h"
#include "zone/sign/zone_reader.h"
#include "zone_sign/ldns_check.h"

namespace dk::zone::sign {
namespace {

using testing::zone_from_text;

TEST(Nsec3Hash, Rfc5155AppendixA) {
    const Nsec3Params params{12, std::string("\xaa\xbb\xcc\xdd", 4)};
    const std::pair<const char*, const char*> vectors[] = {
        {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
        {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
        {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
        {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
        {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
        {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
        {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
        {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
        {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
        {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
        {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
    };
    for (const auto& [name, hash] : vectors)
        EXPECT_EQ(base32hex(nsec3_hash(*wire_origin(name), params)), hash) << name;
}

TEST(TypeBitmap, RoundTripAcrossWindows) {
    const std::vector<std::uint16_t> types = {1, 2, 6, 15, 46, 47, 48, 52, 257, 65534};
    EXPECT_EQ(decode_type_bitmap(encode_type_bitmap(types)), types);
    // RFC 4034 4.3: A MX RRSIG NSEC TYPE1234
    const std::string rfc = std::string(
        "\x00\x06\x40\x01\x00\x00\x00\x03\x04\x1b\x00\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
        "\x00\x00\x00\x00\x00\x00\x00\x00\x20",
        37);
    EXPECT_EQ(encode_type_bitmap({1, 15, 46, 47, 1234}), rfc);
}

const std::string zone_text = R"($TTL 300
@        SOA ns1 hostmaster 1 7200 3600 1209600 60
         NS  ns1
ns1      A   192.0.2.1
mx1      A   192.0.2.2
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
sub      NS  ns.sub
sub      DS  12345 13 2 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
ns.sub   A   192.0.2.5
insecure NS  ns.elsewhere.example.
)";

std::vector<std::uint16_t> bitmap_at(const Zone& zone, const std::string& name) {
    const Node* n = zone.find(*wire_origin(name));
    if (n == nullptr || n->find(type_nsec) == nullptr) return {};
    std::vector<std::uint16_t> types;
    n->find(type_nsec)->rdatas.for_each(
        [&](std::string_view r) { types = decode_type_bitmap(r.substr(wire_name_length(r))); });
    return types;
}

// A zone of more names than one chunk of work: the chains made on several threads are the ones
// made on one, record for record.
TEST(DenialChains, SeveralThreadsMakeTheSameChainAsOne) {
    std::string text = "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n  NS ns1\n";
    for (int i = 0; i < 20000; ++i) {
        text += "h" + std::to_string(i) + " A 10.0.0.1\n";
        if (i % 3 == 0) text += "_25._tcp.h" + std::to_string(i) + " TLSA 3 1 1 abcd\n";
        if (i % 1000 == 0) text += "d" + std::to_string(i) + " NS ns.d" + std::to_string(i) + "\n";
    }
    const Zone base = zone_from_text(text);
    mark_structure(const_cast<Zone&>(base), false);
    Zone one = base;
    Zone four = base;
    build_nsec_chain(one, 60, 1);
    build_nsec_chain(four, 60, 4);
    ASSERT_EQ(one.nodes.size(), four.nodes.size());
    for (std::size_t i = 0; i < one.nodes.size(); ++i)
        ASSERT_EQ(one.nodes[i].rrsets.size(), four.nodes[i].rrsets.size()) << i;
    for (std::size_t i = 0; i < one.nodes.size(); ++i) {
        for (std::size_t k = 0; k < one.nodes[i].rrsets.size(); ++k)
            ASSERT_EQ(one.nodes[i].rrsets[k].rdatas, four.nodes[i].rrsets[k].rdatas) << i;
    }
    Zone one3 = base;
    Zone four3 = base;
    mark_structure(one3, true);
    mark_structure(four3, true);
    ASSERT_TRUE(build_nsec3_chain(one3, 60, Nsec3Params{}, 1).ok());
    ASSERT_TRUE(build_nsec3_chain(four3, 60, Nsec3Params{}, 4).ok());
    ASSERT_GT(one3.nsec3_nodes.size(), 20000u);
    ASSERT_EQ(one3.nsec3_nodes.size(), four3.nsec3_nodes.size());
    for (std::size_t i = 0; i < one3.nsec3_nodes.size(); ++i) {
        ASSERT_EQ(one3.nsec3_nodes[i].name, four3.nsec3_nodes[i].name) << i;
        ASSERT_EQ(one3.nsec3_nodes[i].rrsets[0].rdatas, four3.nsec3_nodes[i].rrsets[0].rdatas);
    }
}

TEST(NsecChain, LinksEveryAuthoritativeNameInOrderAndCloses) {
    Zone zone = zone_from_text(zone_text);
    ASSERT_TRUE(prepare_zone(zone, testing::two_keys(Algorithm::ed25519), SignOptions{}).ok());
    std::vector<std::string> chain;
    for (const auto& n : zone.nodes) {
        if (const Rrset* nsec = n.find(type_nsec)) {
            nsec->rdatas.for_each([&](std::string_view r) {
                chain.push_back(name_to_text(n.name) + " -> " +
                                name_to_text(r.substr(0, wire_name_length(r))));
            });
            EXPECT_EQ(nsec->ttl, 60u);  // RFC 9077: min(SOA TTL, MINIMUM)
        }
    }
    const std::vector<std::string> expected = {"example.test. -> insecure.example.test.",
                                               "insecure.example.test. -> mx1.example.test.",
                                               "mx1.example.test. -> _25._tcp.mx1.example.test.",
                                               "_25._tcp.mx1.example.test. -> ns1.example.test.",
                                               "ns1.example.test. -> sub.example.test.",
                                               "sub.example.test. -> example.test."};
    EXPECT_EQ(chain, expected);  // glue (ns.sub) and the empty _tcp.mx1 are not in it
    EXPECT_EQ(bitmap_at(zone, "example.test."),
              (std::vector<std::uint16_t>{type_ns, type_soa, type_rrsig, type_nsec, type_dnskey}));
    EXPECT_EQ(bitmap_at(zone, "sub.example.test."),
              (std::vector<std::uint16_t>{type_ns, type_ds, type_rrsig, type_nsec}));
    EXPECT_EQ(bitmap_at(zone, "insecure.example.test."),
              (std::vector<std::uint16_t>{type_ns, type_rrsig, type_nsec}));
}

TEST(Nsec3Chain, CoversNamesAndEmptyNonTerminalsNotGlue) {
    Zone zone = zone_from_text(zone_text);
    SignOptions options;
    options.denial = Denial::nsec3;
    ASSERT_TRUE(prepare_zone(zone, testing::two_keys(Algorithm::ed25519), options).ok());
    const Nsec3Params rfc9276;
    std::map<std::string, std::string> expected;  // hash -> name
    for (const char* n :
         {"example.test.", "ns1.example.test.", "mx1.example.test.", "_tcp.mx1.example.test.",
          "_25._tcp.mx1.example.test.", "sub.example.test.", "insecure.example.test."})
        expected[base32hex(nsec3_hash(*wire_origin(n), rfc9276))] = n;
    ASSERT_EQ(zone.nsec3_nodes.size(), expected.size());
    std::size_t i = 0;
    for (const auto& [hash, name] : expected) {
        const Node& n = zone.nsec3_nodes[i];
        EXPECT_EQ(name_to_text(n.name), hash + ".example.test.") << name;
        std::string rdata;
        n.find(type_nsec3)->rdatas.for_each([&](std::string_view r) { rdata = r; });
        // 1 0 0 - (RFC 9276: SHA-1, no opt-out, no extra iterations, no salt), then the next.
        EXPECT_EQ(rdata.substr(0, 5), std::string("\x01\x00\x00\x00\x00", 5));
        const std::string next = base32hex(rdata.substr(6, 20));
        auto after = std::next(expected.find(hash));
        EXPECT_EQ(next, after == expected.end() ? expected.begin()->first : after->first);
        const auto types = decode_type_bitmap(rdata.substr(26));
        if (name == "_tcp.mx1.example.test.") {
            EXPECT_TRUE(types.empty());
        } else if (name == "insecure.example.test.") {
            EXPECT_EQ(types, std::vector<std::uint16_t>{type_ns});  // no RRSIG there
        } else if (name == "example.test.") {
            EXPECT_EQ(types, (std::vector<std::uint16_t>{type_ns, type_soa, type_rrsig, type_dnskey,
                                                         type_nsec3param}));
        }
        ++i;
    }
}

}  // namespace
}  // namespace dk::zone::sign
