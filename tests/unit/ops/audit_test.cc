// The audit's requirements, each with its evidence: a passing endpoint, then one failure each.
#include "ops/audit.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);
const std::string ca = std::string(64, 'c');

ServerEvidence server(std::string name) {
    return {std::move(name),          true, "",   42,
            {"3 1 1 aa", "3 1 1 bb"}, 300,  true, now + Seconds{86400}};
}

AddressEvidence good_address() {
    AddressEvidence a;
    a.address = "192.0.2.1";
    a.tls = true;
    a.tls_version = "TLSv1.3";
    a.cipher = "TLS_AES_256_GCM_SHA384";
    a.forward_secret = true;
    a.leaf_spki_sha256 = "aa";
    a.issuer = "CN=Test CA";
    a.issuer_spki_sha256 = ca;
    a.dane_ok = true;
    a.matched = "3 1 1 aa";
    return a;
}

EndpointEvidence good_endpoint() {
    return {"mx1.example.test:25",
            "_25._tcp.mx1.example.test.",
            {server("192.0.2.53:53"), server("192.0.2.54:53")},
            "",
            {good_address()}};
}

AuditPolicy policy() {
    return {{"example.test. 3600 IN DS 1 13 2 abcd"}, {ca}};
}

const Requirement& find(const AuditItem& item, const std::string& check) {
    for (const auto& r : item.requirements)
        if (r.check == check) return r;
    throw std::runtime_error("no requirement " + check);
}

TEST(Audit, EverythingInPlacePasses) {
    const auto items = judge_audit({good_endpoint()}, policy(), now);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_TRUE(items[0].pass());
    EXPECT_EQ(items[0].requirements.size(), 10u);
    EXPECT_EQ(items[0].at, now);
    EXPECT_NE(find(items[0], "tlsa_present").evidence.find("3 1 1 aa, 3 1 1 bb"),
              std::string::npos);
    EXPECT_NE(find(items[0], "rrsig_time_left").evidence.find("86400 s left"), std::string::npos);
    EXPECT_NE(find(items[0], "certified_ca").evidence.find(ca), std::string::npos);
    EXPECT_NE(find(items[0], "zone_signed_chain_of_trust").evidence.find("serial 42"),
              std::string::npos);
}

TEST(Audit, AnOwnerServedThroughASharedOwnersCnameNamesIt) {
    EndpointEvidence e = good_endpoint();
    for (auto& s : e.servers) s.cnames = {"_dane.mx.example.test."};
    const auto items = judge_audit({e}, policy(), now);
    EXPECT_TRUE(items[0].pass());
    EXPECT_NE(find(items[0], "tlsa_present")
                  .evidence.find("_25._tcp.mx1.example.test. (CNAME -> _dane.mx.example.test.) "
                                 "TLSA 3 1 1 aa, 3 1 1 bb at every server"),
              std::string::npos)
        << find(items[0], "tlsa_present").evidence;
}

struct Case {
    const char* name;
    void (*spoil)(EndpointEvidence&, AuditPolicy&);
    const char* failing;
};

const Case cases[] = {
    {"no STARTTLS", [](EndpointEvidence& e, AuditPolicy&) { e.addresses[0].tls = false; },
     "tls_offered"},
    {"TLS 1.1", [](EndpointEvidence& e, AuditPolicy&) { e.addresses[0].tls_version = "TLSv1.1"; },
     "tls_version"},
    {"static RSA key exchange",
     [](EndpointEvidence& e, AuditPolicy&) { e.addresses[0].forward_secret = false; },
     "forward_secrecy"},
    {"a server not validated",
     [](EndpointEvidence& e, AuditPolicy&) { e.servers[1].validated = false; },
     "zone_signed_chain_of_trust"},
    {"no trust anchor", [](EndpointEvidence&, AuditPolicy& p) { p.trust_anchor_ds.clear(); },
     "ds_matches_dnskey"},
    {"a server lags", [](EndpointEvidence& e, AuditPolicy&) { e.servers[1].rdatas = {"3 1 1 aa"}; },
     "tlsa_present"},
    {"no TLSA",
     [](EndpointEvidence& e, AuditPolicy&) {
         for (auto& s : e.servers) s.rdatas.clear();
     },
     "tlsa_present"},
    {"a server does not answer",
     [](EndpointEvidence& e, AuditPolicy&) { e.servers[0].answered = false; }, "tlsa_validated"},
    {"RRSIG expired",
     [](EndpointEvidence& e, AuditPolicy&) { e.servers[1].rrsig_expiration = now; },
     "rrsig_time_left"},
    {"TLSA mismatch", [](EndpointEvidence& e, AuditPolicy&) { e.addresses[0].dane_ok = false; },
     "tlsa_matches_served_chain"},
    {"CA not certified",
     [](EndpointEvidence&, AuditPolicy& p) { p.certified_ca_spki_sha256 = {std::string(64, 'd')}; },
     "certified_ca"},
    {"no CA list", [](EndpointEvidence&, AuditPolicy& p) { p.certified_ca_spki_sha256.clear(); },
     "certified_ca"},
    {"issuer not sent",
     [](EndpointEvidence& e, AuditPolicy&) { e.addresses[0].issuer_spki_sha256.clear(); },
     "certified_ca"},
};

TEST(Audit, EachSpoiledFactFailsItsRequirement) {
    for (const auto& c : cases) {
        auto e = good_endpoint();
        auto p = policy();
        c.spoil(e, p);
        const auto items = judge_audit({e}, p, now);
        ASSERT_EQ(items.size(), 1u) << c.name;
        EXPECT_FALSE(items[0].pass()) << c.name;
        EXPECT_FALSE(find(items[0], c.failing).pass) << c.name;
        EXPECT_FALSE(find(items[0], c.failing).evidence.empty()) << c.name;
    }
}

TEST(Audit, EveryAddressIsItsOwnItem) {
    auto e = good_endpoint();
    auto second = good_address();
    second.address = "2001:db8::1";
    second.dane_ok = false;
    second.problem = "DANE verification failed";
    e.addresses.push_back(second);
    const auto items = judge_audit({e}, policy(), now);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_TRUE(items[0].pass());
    EXPECT_FALSE(items[1].pass());
    EXPECT_EQ(items[1].address, "2001:db8::1");
}

TEST(Audit, EveryChainOfAnAddressIsItsOwnItem) {
    // One address serving an ECDSA chain that matches and an RSA chain that does not: a sender
    // negotiating RSA fails DANE, so the audit fails there, naming the algorithm.
    auto e = good_endpoint();
    e.addresses[0].algorithm = "ecdsa";
    auto rsa = good_address();
    rsa.algorithm = "rsa";
    rsa.dane_ok = false;
    rsa.matched.clear();
    rsa.problem = "DANE verification failed";
    e.addresses.push_back(rsa);
    const auto items = judge_audit({e}, policy(), now);
    ASSERT_EQ(items.size(), 2u);
    EXPECT_TRUE(items[0].pass());
    EXPECT_EQ(items[0].algorithm, "ecdsa");
    EXPECT_FALSE(items[1].pass());
    EXPECT_EQ(items[1].algorithm, "rsa");
    EXPECT_EQ(items[1].address, items[0].address);
    EXPECT_FALSE(find(items[1], "tlsa_matches_served_chain").pass);
}

TEST(Audit, NoAddressFailsWithTheReason) {
    auto e = good_endpoint();
    e.addresses.clear();
    e.address_problem = "mx1.example.test has no A or AAAA record";
    const auto items = judge_audit({e}, policy(), now);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].address, "-");
    EXPECT_FALSE(items[0].pass());
    EXPECT_EQ(find(items[0], "tls_offered").evidence, e.address_problem);
}

}  // namespace
}  // namespace dk::ops
