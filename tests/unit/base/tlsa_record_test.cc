#include <gtest/gtest.h>

#include "base/tlsa.h"

namespace dk {
namespace {

const std::string digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(TlsaRecord, ParsesNumericForm) {
    auto r = parse_tlsa_rdata("3 1 1 " + digest);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->usage, 3);
    EXPECT_EQ(r->selector, 1);
    EXPECT_EQ(r->mtype, 1);
    EXPECT_EQ(r->rdata_text(), "3 1 1 " + digest);
}

TEST(TlsaRecord, ParsesRfc7218MnemonicsCaseInsensitive) {
    auto r = parse_tlsa_rdata("dane-ee spki sha2-256 " + digest);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->rdata_text(), "3 1 1 " + digest);
    auto ta = parse_tlsa_rdata("DANE-TA Cert SHA2-256 " + digest);
    ASSERT_TRUE(ta.ok());
    EXPECT_EQ(ta->usage, 2);
    EXPECT_EQ(ta->selector, 0);
}

TEST(TlsaRecord, AcceptsSplitAndUpperCaseHex) {
    auto r = parse_tlsa_rdata(
        "3 1 1 0123456789ABCDEF0123456789abcdef ( 0123456789abcdef0123456789abcdef");
    EXPECT_FALSE(r.ok());  // parentheses are not hex: refused
    auto s =
        parse_tlsa_rdata("3 1 1 0123456789ABCDEF0123456789abcdef 0123456789abcdef0123456789abcdef");
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->rdata_text(), "3 1 1 " + digest);
}

TEST(TlsaRecord, RefusesWrongDigestLength) {
    EXPECT_FALSE(parse_tlsa_rdata("3 1 1 abcd").ok());
    EXPECT_FALSE(parse_tlsa_rdata("3 1 2 " + digest).ok());
    EXPECT_TRUE(parse_tlsa_rdata("3 1 2 " + digest + digest).ok());
    EXPECT_TRUE(parse_tlsa_rdata("3 1 0 abcd").ok());
}

TEST(TlsaRecord, RefusesBadFields) {
    EXPECT_FALSE(parse_tlsa_rdata("").ok());
    EXPECT_FALSE(parse_tlsa_rdata("3 1 1").ok());
    EXPECT_FALSE(parse_tlsa_rdata("256 1 1 " + digest).ok());
    EXPECT_FALSE(parse_tlsa_rdata("DANE-XX 1 1 " + digest).ok());
    EXPECT_FALSE(parse_tlsa_rdata("3 1 1 " + digest + "0").ok());
    EXPECT_FALSE(parse_tlsa_rdata("3 1 1 zz" + digest.substr(2)).ok());
    EXPECT_EQ(parse_tlsa_rdata("3 x 1 " + digest).error().kind, ErrorKind::bad_input);
}

TEST(TlsaRecord, OwnerName) {
    EXPECT_EQ(tlsa_owner("mx1.example.net", 25), "_25._tcp.mx1.example.net.");
    EXPECT_EQ(tlsa_owner("mx1.example.net.", 465), "_465._tcp.mx1.example.net.");
}

TEST(TlsaRecord, OrdersAndCompares) {
    auto a = parse_tlsa_rdata("3 1 1 " + digest).value();
    auto b = a;
    EXPECT_EQ(a, b);
    b.usage = 2;
    EXPECT_LT(b, a);
}

}  // namespace
}  // namespace dk
