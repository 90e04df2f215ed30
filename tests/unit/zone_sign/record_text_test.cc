// Presentation of the records we write: RRSIG times, base32hex (RFC 4648 10), whole lines.
#include "zone/sign/record_text.h"

#include <gtest/gtest.h>

#include "zone/sign/simple_record.h"
#include "zone/sign/simple_tokens.h"
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

}  // namespace
}  // namespace dk::zone::sign
