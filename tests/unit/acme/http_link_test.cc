#include <gtest/gtest.h>

#include "acme/client.h"
#include "acme/http.h"

namespace dk::acme {
namespace {

TEST(LinkHeader, AlternatesAmongOtherRelations) {
    HttpResponse r;
    r.headers = {
        {"link", R"(<https://ca/dir>;rel="index")"},
        {"link", R"(<https://ca/cert/1/1>;rel="alternate", <https://ca/cert/1/2>; rel=alternate)"},
        {"replay-nonce", "abc"}};
    EXPECT_EQ(r.links("alternate"),
              (std::vector<std::string>{"https://ca/cert/1/1", "https://ca/cert/1/2"}));
    EXPECT_EQ(r.links("index"), std::vector<std::string>{"https://ca/dir"});
    EXPECT_EQ(r.header("replay-nonce"), "abc");
    EXPECT_FALSE(r.header("location"));
}

TEST(LinkHeader, QuotedCommasAndGarbage) {
    auto links = parse_link_header(R"(<https://a/1>; title="x, y"; rel="up", junk, <https://a/2>)");
    ASSERT_EQ(links.size(), 2u);
    EXPECT_EQ(links[0], (std::pair<std::string, std::string>{"https://a/1", "up"}));
    EXPECT_EQ(links[1].first, "https://a/2");
    EXPECT_EQ(links[1].second, "");
    EXPECT_TRUE(parse_link_header("no links here").empty());
}

TEST(ChainChoice, PreferredIssuerOrTheDefault) {
    const std::vector<std::string> issuers{"Pebble Root CA 1", "Pebble Root CA 2"};
    EXPECT_EQ(choose_chain(issuers, std::nullopt), 0u);
    EXPECT_EQ(choose_chain(issuers, std::string("Pebble Root CA 2")), 1u);
    EXPECT_EQ(choose_chain(issuers, std::string("ISRG Root X2")), 0u);
}

}  // namespace
}  // namespace dk::acme
