// Presentation of the records we write: RRSIG times, base32hex (RFC 4648 10), whole lines.
#include "zone/sign/record_text.h"

#include <gtest/gtest.h>

#include "zone/sign/names.h"
#include "zone/sign/simple_record.h"
#include "zone/sign/simple_tokens.h"
#include "zone/sign/zone_model.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

TEST(RrsigTime, KnownDatesBothWays) {
    const std::pair<std::uint32_t, const char*> cases[] = {
        {0, "19700101000000"},          {951782400, "20000229000000"},
        {1440021600, "20150819220000"}, {1800000000, "20270115080000"},
        {4102444799, "20991231235959"},
    };
    for (const auto& [t, text] : cases) {
        std::string out;
        append_rrsig_time(out, t);
        EXPECT_EQ(out, text);
        std::uint32_t back = 0;
        ASSERT_TRUE(parse_rrsig_time(text, back));
        EXPECT_EQ(back, t) << text;
    }
}

TEST(Base32Hex, Rfc4648Vectors) {
    EXPECT_EQ(base32hex(""), "");
    EXPECT_EQ(base32hex("f"), "co");
    EXPECT_EQ(base32hex("fo"), "cpng");
    EXPECT_EQ(base32hex("foo"), "cpnmu");
    EXPECT_EQ(base32hex("foob"), "cpnmuog");
    EXPECT_EQ(base32hex("fooba"), "cpnmuoj1");
    EXPECT_EQ(base32hex("foobar"), "cpnmuoj1e8");
}

TEST(RecordText, LinesReadBackToTheSameRecord) {
    for (const char* line :
         {"www.example.test. 300 IN A 192.0.2.1", "example.test. 300 IN MX 10 mx1.example.test.",
          "_25._tcp.mx1.example.test. 300 IN TLSA 3 1 1 0c019a2e059bcb66",
          "example.test. 300 IN TXT \"hello world\" \"x;y\"",
          "example.test. 60 IN NSEC3PARAM 1 0 0 -",
          "example.test. 300 IN CAA 0 issue \"letsencrypt.org\"",
          "example.test. 300 IN TYPE65534 \\# 3 010203"}) {
        auto r = parse_record(line, "example.test.");
        ASSERT_TRUE(r.ok()) << line;
        std::string text;
        append_record_text(text, r->owner, r->type, r->ttl, r->rdata);
        auto back = parse_record(text.substr(0, text.size() - 1), "example.test.");
        ASSERT_TRUE(back.ok()) << text;
        EXPECT_EQ(back->rdata, r->rdata) << text;
        EXPECT_EQ(back->type, r->type) << text;
    }
}

// IPv4 addresses are formatted by hand (not inet_ntop): every byte value, and the same text
// as inet_ntop would give.
TEST(RecordText, AddressesAsDottedDecimal) {
    const std::pair<std::string, const char*> cases[] = {
        {std::string("\0\0\0\0", 4), "0.0.0.0"},
        {"\xff\xff\xff\xff", "255.255.255.255"},
        {"\x0a\x09\x63\x64", "10.9.99.100"},
        {std::string("\xc0\x00\x02\x01", 4), "192.0.2.1"},
    };
    for (const auto& [rdata, text] : cases) {
        std::string out;
        append_record_after_owner(out, type_a, 300, rdata);
        EXPECT_EQ(out, std::string("\t300\tIN\tA\t") + text + "\n");
    }
    // Not four bytes: written as unknown data, never as a wrong address.
    std::string out;
    append_record_text(out, *wire_origin("x.example.test"), type_a, 300, "\x01\x02\x03");
    EXPECT_EQ(out.find("1.2.3"), std::string::npos) << out;
}

TEST(RecordText, TheOwnerTextOnceOrEveryTime) {
    const WireName owner = *wire_origin("_25._tcp.mx1.example.test");
    const std::string rdata("\x03\x01\x01\xab\xcd", 5);
    std::string whole;
    append_record_text(whole, owner, type_tlsa, 300, rdata);
    std::string split = name_to_text(owner);
    append_record_after_owner(split, type_tlsa, 300, rdata);
    EXPECT_EQ(whole, split);
    EXPECT_EQ(whole, "_25._tcp.mx1.example.test.\t300\tIN\tTLSA\t3 1 1 abcd\n");
}

}  // namespace
}  // namespace dk::zone::sign
