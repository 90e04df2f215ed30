// What a validating resolver's reply proves: the records of the asked type (MX, TLSA, A, AAAA)
// read from the answer section, and the verdict from rcode and AD bit. Replies are built here
// as a resolver would send them and read back from wire format.
#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <vector>

#include "base/ldns_handles.h"
#include "zone/resolver/resolver.h"

namespace dk::zone {
namespace {

struct ReplySpec {
    ldns_pkt_rcode rcode = LDNS_RCODE_NOERROR;
    bool ad = true;
    std::vector<std::string> answer;  // RRs in presentation form
};

std::vector<std::uint8_t> wire_of(const ReplySpec& spec) {
    ldns::PktPtr pkt(ldns_pkt_new());
    ldns_pkt_set_qr(pkt.get(), true);
    ldns_pkt_set_rd(pkt.get(), true);
    ldns_pkt_set_ra(pkt.get(), true);
    ldns_pkt_set_ad(pkt.get(), spec.ad);
    ldns_pkt_set_rcode(pkt.get(), static_cast<std::uint8_t>(spec.rcode));
    for (const auto& text : spec.answer) {
        ldns_rr* rr = nullptr;
        EXPECT_EQ(ldns_rr_new_frm_str(&rr, text.c_str(), 300, nullptr, nullptr), LDNS_STATUS_OK)
            << text;
        ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
    }
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    EXPECT_EQ(ldns_pkt2wire(&data, pkt.get(), &size), LDNS_STATUS_OK);
    std::vector<std::uint8_t> out(data, data + size);
    LDNS_FREE(data);
    return out;
}

ResolverReply read(const ReplySpec& spec, QueryType type) {
    auto reply = read_resolver_reply(wire_of(spec), type);
    EXPECT_TRUE(reply.ok()) << reply.error().message;
    return reply.ok() ? *reply : ResolverReply{};
}

const std::string kSig =
    "example.net. 300 IN RRSIG MX 13 2 300 20300101000000 20200101000000 12345 example.net. "
    "YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5emFiY2Q=";

TEST(ResolverReply, MxRecordsInAnswerOrderWithTheirPreferences) {
    const auto reply = read({LDNS_RCODE_NOERROR,
                             true,
                             {"example.net. 300 IN MX 20 mx2.example.net.",
                              "example.net. 300 IN MX 10 mx1.example.net.", kSig}},
                            QueryType::mx);
    EXPECT_EQ(reply.verdict, ResolverVerdict::answer);
    ASSERT_EQ(reply.mx.size(), 2U);
    EXPECT_EQ(reply.mx[0].preference, 20);
    EXPECT_EQ(reply.mx[0].host, "mx2.example.net.");
    EXPECT_EQ(reply.mx[1].preference, 10);
    EXPECT_EQ(reply.mx[1].host, "mx1.example.net.");
    EXPECT_TRUE(reply.tlsa.empty());
    EXPECT_TRUE(reply.addresses.empty());
}

TEST(ResolverReply, NullMxIsTheRootName) {
    const auto reply =
        read({LDNS_RCODE_NOERROR, true, {"example.net. 300 IN MX 0 ."}}, QueryType::mx);
    ASSERT_EQ(reply.mx.size(), 1U);
    EXPECT_EQ(reply.mx[0].preference, 0);
    EXPECT_EQ(reply.mx[0].host, ".");
}

TEST(ResolverReply, OnlyTheAskedTypeCounts) {
    // A CNAME answer for an MX question: no MX records, so a validated denial.
    const auto reply =
        read({LDNS_RCODE_NOERROR, true, {"example.net. 300 IN CNAME other.example.org."}},
             QueryType::mx);
    EXPECT_TRUE(reply.mx.empty());
    EXPECT_EQ(reply.verdict, ResolverVerdict::validated_denial);
}

TEST(ResolverReply, TlsaFieldsAndData) {
    const auto reply = read({LDNS_RCODE_NOERROR,
                             true,
                             {"_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 0c019a2e",
                              "_25._tcp.mx1.example.net. 300 IN TLSA 2 0 2 abcd"}},
                            QueryType::tlsa);
    ASSERT_EQ(reply.tlsa.size(), 2U);
    EXPECT_EQ(reply.tlsa[0].rdata_text(), "3 1 1 0c019a2e");
    EXPECT_EQ(reply.tlsa[1].usage, 2);
    EXPECT_EQ(reply.tlsa[1].selector, 0);
    EXPECT_EQ(reply.tlsa[1].mtype, 2);
    EXPECT_EQ(reply.tlsa[1].data, (std::vector<std::uint8_t>{0xab, 0xcd}));
}

TEST(ResolverReply, TlsaThroughASharedOwnersCname) {
    const auto reply = read({LDNS_RCODE_NOERROR,
                             true,
                             {"_25._tcp.mx1.example.net. 300 IN CNAME _dane.mx.example.net.",
                              "_dane.mx.example.net. 300 IN TLSA 3 1 1 0c019a2e"}},
                            QueryType::tlsa);
    EXPECT_EQ(reply.cnames, std::vector<std::string>{"_dane.mx.example.net."});
    ASSERT_EQ(reply.tlsa.size(), 1U);
    EXPECT_EQ(reply.verdict, ResolverVerdict::answer);
}

TEST(ResolverReply, AddressesOfTheAskedFamilyOnly) {
    const ReplySpec spec{
        LDNS_RCODE_NOERROR,
        false,
        {"mx1.example.net. 300 IN A 192.0.2.25", "mx1.example.net. 300 IN AAAA 2001:db8::25",
         "mx1.example.net. 300 IN A 192.0.2.26"}};
    EXPECT_EQ(read(spec, QueryType::a).addresses,
              (std::vector<std::string>{"192.0.2.25", "192.0.2.26"}));
    EXPECT_EQ(read(spec, QueryType::aaaa).addresses, (std::vector<std::string>{"2001:db8::25"}));
}

TEST(ResolverReply, MalformedWireIsAnError) {
    auto wire = wire_of({LDNS_RCODE_NOERROR, true, {"example.net. 300 IN MX 10 mx1.example.net."}});
    wire.resize(wire.size() - 5);
    EXPECT_FALSE(read_resolver_reply(wire, QueryType::mx).ok());
}

struct VerdictCase {
    const char* name;
    ReplySpec spec;
    ResolverVerdict verdict;
};

class Verdicts : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(Verdicts, FromRcodeAndAdBit) {
    const auto& c = GetParam();
    const auto reply = read(c.spec, QueryType::tlsa);
    EXPECT_EQ(reply.verdict, c.verdict);
    EXPECT_EQ(reply.rcode, static_cast<std::uint16_t>(c.spec.rcode));
}

const std::string kTlsa = "_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 0c019a2e";

INSTANTIATE_TEST_SUITE_P(
    ResolverReply, Verdicts,
    ::testing::Values(
        VerdictCase{
            "records_with_ad", {LDNS_RCODE_NOERROR, true, {kTlsa}}, ResolverVerdict::answer},
        VerdictCase{
            "records_without_ad", {LDNS_RCODE_NOERROR, false, {kTlsa}}, ResolverVerdict::insecure},
        VerdictCase{
            "nodata_with_ad", {LDNS_RCODE_NOERROR, true, {}}, ResolverVerdict::validated_denial},
        VerdictCase{
            "nodata_without_ad", {LDNS_RCODE_NOERROR, false, {}}, ResolverVerdict::insecure},
        VerdictCase{
            "nxdomain_with_ad", {LDNS_RCODE_NXDOMAIN, true, {}}, ResolverVerdict::validated_denial},
        VerdictCase{
            "nxdomain_without_ad", {LDNS_RCODE_NXDOMAIN, false, {}}, ResolverVerdict::insecure},
        VerdictCase{"servfail", {LDNS_RCODE_SERVFAIL, false, {}}, ResolverVerdict::failure},
        VerdictCase{"servfail_with_ad", {LDNS_RCODE_SERVFAIL, true, {}}, ResolverVerdict::failure},
        VerdictCase{"refused", {LDNS_RCODE_REFUSED, true, {kTlsa}}, ResolverVerdict::failure}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ClassifyReply, NxdomainWithRecordsIsNoAnswer) {
    EXPECT_EQ(classify_reply(rcode_nxdomain, true, true), ResolverVerdict::validated_denial);
    EXPECT_EQ(classify_reply(rcode_noerror, true, true), ResolverVerdict::answer);
}

}  // namespace
}  // namespace dk::zone
