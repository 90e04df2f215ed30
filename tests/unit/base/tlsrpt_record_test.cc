// The TLSRPT record (RFC 8460 section 3) from typed fields: each URI checked, the record bounded
// and cut into character-strings.
#include "base/tlsrpt_record.h"

#include <gtest/gtest.h>

namespace dk {
namespace {

TEST(TlsrptRecord, MailtoAndHttpsJoinIntoOneRecord) {
    auto text = tlsrpt_record_text({"mailto:tlsrpt@example.net", "https://reports.example.net/v1"});
    ASSERT_TRUE(text.ok()) << text.error().message;
    EXPECT_EQ(*text, "v=TLSRPTv1; rua=mailto:tlsrpt@example.net,https://reports.example.net/v1");
}

TEST(TlsrptRecord, PercentEscapesAndPortsAreUris) {
    EXPECT_TRUE(check_rua_uri("mailto:tls%2Breports@mail.example.net").ok());
    EXPECT_TRUE(check_rua_uri("https://r.example.net:8443/tlsrpt?key=a%3Bb").ok());
}

TEST(TlsrptRecord, RefusesWhatWouldReadAsAnotherFieldOrUri) {
    for (const char* uri : {"mailto:a@example.net;ruf=mailto:b@evil.example",
                            "mailto:a@example.net,mailto:b@evil.example", "https://example.net/a;b",
                            "mailto:a@example.net b", "mailto:\"a\"@example.net",
                            "https://example.net/\x01", "https://example.net/\xc3\xa9"}) {
        auto s = check_rua_uri(uri);
        EXPECT_FALSE(s.ok()) << uri;
        if (!s.ok()) {
            EXPECT_EQ(s.error().kind, ErrorKind::bad_input);
        }
    }
}

TEST(TlsrptRecord, RefusesOtherSchemesAndMalformedTargets) {
    for (const char* uri :
         {"", "http://example.net/tlsrpt", "ftp://example.net/", "MAILTO:a@example.net",
          "mailto:", "mailto:example.net", "mailto:@example.net", "mailto:a@exa_mple.net",
          "mailto:a@example.net?subject=x", "https:example.net/x", "https://", "https:///x",
          "https://user@example.net/x", "https://example.net:/x", "https://example.net:99999x/",
          "https://exa..mple.net/"})
        EXPECT_FALSE(check_rua_uri(uri).ok()) << uri;
}

TEST(TlsrptRecord, BoundsEachUriTheCountAndTheRecord) {
    const std::string path(max_rua_uri_bytes - std::string("https://e.net/").size(), 'a');
    EXPECT_TRUE(check_rua_uri("https://e.net/" + path).ok());
    EXPECT_FALSE(check_rua_uri("https://e.net/" + path + "a").ok());
    EXPECT_FALSE(tlsrpt_record_text({}).ok());
    std::vector<std::string> many(max_rua_uris + 1, "mailto:a@example.net");
    EXPECT_FALSE(tlsrpt_record_text(many).ok());
    many.pop_back();
    EXPECT_TRUE(tlsrpt_record_text(many).ok());
    // Three long URIs fit one by one but not together.
    const std::string long_uri = "https://e.net/" + std::string(900, 'b');
    EXPECT_FALSE(tlsrpt_record_text({long_uri, long_uri, long_uri}).ok());
}

TEST(TlsrptRecord, CutsIntoStringsOf255Bytes) {
    const std::string text(600, 'x');
    const auto strings = character_strings(text);
    ASSERT_EQ(strings.size(), 3U);
    EXPECT_EQ(strings[0].size(), 255U);
    EXPECT_EQ(strings[1].size(), 255U);
    EXPECT_EQ(strings[2].size(), 90U);
    EXPECT_EQ(strings[0] + strings[1] + strings[2], text);
    EXPECT_EQ(character_strings(std::string(255, 'y')).size(), 1U);
}

TEST(TlsrptRecord, RecognisesTlsrptRecordsOnly) {
    EXPECT_TRUE(is_tlsrpt_record("v=TLSRPTv1; rua=mailto:a@example.net"));
    EXPECT_TRUE(is_tlsrpt_record("v=TLSRPTv1;rua=mailto:a@example.net"));
    EXPECT_TRUE(is_tlsrpt_record("v=TLSRPTv1"));
    EXPECT_FALSE(is_tlsrpt_record("v=TLSRPTv10; rua=mailto:a@example.net"));
    EXPECT_FALSE(is_tlsrpt_record("v=spf1 -all"));
    EXPECT_FALSE(is_tlsrpt_record(" v=TLSRPTv1;"));
}

}  // namespace
}  // namespace dk
