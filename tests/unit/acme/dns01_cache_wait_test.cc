// The dns-01 cache wait: what each server's answer from before publication lets a resolver hold
// (a covering NSEC, a denial by the SOA's negative TTL, an earlier TXT), and the wait from it.
#include "service/issuance/dns01_cache_wait.h"

#include <gtest/gtest.h>

namespace dk::service {
namespace {

// A reply with `answer` and `authority` records in presentation format.
ldns::PktPtr reply(const std::vector<std::string>& answer,
                   const std::vector<std::string>& authority) {
    ldns::PktPtr pkt(ldns_pkt_new());
    auto push = [&](const std::string& text, ldns_pkt_section section) {
        ldns_rr* rr = nullptr;
        EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr), LDNS_STATUS_OK)
            << text;
        if (rr != nullptr) ldns_pkt_push_rr(pkt.get(), section, rr);
    };
    for (const auto& a : answer) push(a, LDNS_SECTION_ANSWER);
    for (const auto& a : authority) push(a, LDNS_SECTION_AUTHORITY);
    return pkt;
}

const std::string soa_10_5 =
    "example.test. 10 IN SOA ns1.example.test. hostmaster.example.test. 7 5 5 120 5";
const std::string nsec_covering =
    "mx1.example.test. 5 IN NSEC _25._tcp.mx1.example.test. A RRSIG NSEC";
const std::string nsec_rrsig =
    "mx1.example.test. 5 IN RRSIG NSEC 13 3 5 20270101000000 20261201000000 12345 "
    "example.test. AAAA";

TEST(Dns01CacheWait, CoveringNsecAndNegativeTtlFromAnNxdomain) {
    auto pkt = reply({}, {soa_10_5, nsec_covering, nsec_rrsig});
    const PriorAnswer a = read_prior_answer(*pkt);
    EXPECT_EQ(a.denial_ttl, 5u);
    EXPECT_EQ(a.negative_ttl, 5u);  // min(SOA TTL 10, MINIMUM 5)
    EXPECT_EQ(a.txt_ttl, 0u);
}

TEST(Dns01CacheWait, NegativeTtlIsTheLowerOfSoaTtlAndMinimum) {
    auto minimum_lower =
        reply({}, {"example.test. 3600 IN SOA ns1.example.test. h.example.test. 1 5 5 120 300"});
    EXPECT_EQ(read_prior_answer(*minimum_lower).negative_ttl, 300u);
    auto ttl_lower =
        reply({}, {"example.test. 60 IN SOA ns1.example.test. h.example.test. 1 5 5 120 3600"});
    EXPECT_EQ(read_prior_answer(*ttl_lower).negative_ttl, 60u);
}

TEST(Dns01CacheWait, NsecRrsigOriginalTtlCountsWhenLonger) {
    // A resolver may have fetched the NSEC from a server whose copy had not yet aged.
    auto pkt = reply({}, {soa_10_5, nsec_covering,
                          "mx1.example.test. 5 IN RRSIG NSEC 13 3 900 20270101000000 "
                          "20261201000000 12345 example.test. AAAA"});
    EXPECT_EQ(read_prior_answer(*pkt).denial_ttl, 900u);
}

TEST(Dns01CacheWait, Nsec3CountsLikeNsec) {
    auto pkt = reply({}, {soa_10_5,
                          "q04jkcevqvmu85r014c7dkba38o0ji5r.example.test. 240 IN NSEC3 1 0 0 - "
                          "r53bq7cc2uvmubfu5ocmm6pers9tk9en A RRSIG"});
    EXPECT_EQ(read_prior_answer(*pkt).denial_ttl, 240u);
}

TEST(Dns01CacheWait, AnEarlierTxtCountsWithItsSignature) {
    auto pkt = reply({"_acme-challenge.mx1.example.test. 120 IN TXT \"old\"",
                      "_acme-challenge.mx1.example.test. 120 IN RRSIG TXT 13 4 600 "
                      "20270101000000 20261201000000 12345 example.test. AAAA"},
                     {});
    const PriorAnswer a = read_prior_answer(*pkt);
    EXPECT_EQ(a.txt_ttl, 600u);
    EXPECT_EQ(a.denial_ttl, 0u);
    EXPECT_EQ(a.negative_ttl, 0u);
}

TEST(Dns01CacheWait, UnrelatedAuthorityRecordsDoNotCount) {
    auto pkt = reply({}, {"example.test. 86400 IN NS ns1.example.test.",
                          "example.test. 86400 IN RRSIG NS 13 2 86400 20270101000000 "
                          "20261201000000 12345 example.test. AAAA"});
    EXPECT_EQ(read_prior_answer(*pkt), PriorAnswer{});
}

TEST(Dns01CacheWait, TheLongestHoldOverEveryServerPlusTheMargin) {
    const std::vector<PriorAnswer> answers{{5, 5, 0}, {30, 5, 0}, {0, 0, 120}};
    const CacheWait w = cache_wait(answers, Seconds{600});
    EXPECT_EQ(w.wait, Seconds{121});
    EXPECT_FALSE(w.capped);
    EXPECT_EQ(cache_wait({{5, 5, 0}}, Seconds{600}).wait, Seconds{6});
    EXPECT_EQ(cache_wait({{0, 3600, 0}}, Seconds{600}).wait, Seconds{600});
    EXPECT_TRUE(cache_wait({{0, 3600, 0}}, Seconds{600}).capped);
}

TEST(Dns01CacheWait, NothingHeldIsNoWait) {
    EXPECT_EQ(cache_wait({}, Seconds{600}).wait, Seconds{0});
    EXPECT_EQ(cache_wait({PriorAnswer{}, PriorAnswer{}}, Seconds{600}).wait, Seconds{0});
    EXPECT_FALSE(cache_wait({}, Seconds{600}).capped);
}

}  // namespace
}  // namespace dk::service
