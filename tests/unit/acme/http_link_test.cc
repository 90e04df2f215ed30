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

namespace dk::acme {
namespace {

// A leaf with the AKI and serial of RFC 9773's example (made with the openssl CLI): its
// identifier is the RFC's "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE".
constexpr const char* ari_leaf = R"(-----BEGIN CERTIFICATE-----
MIIBgzCCASmgAwIBAgIFAIdlQyEwCgYIKoZIzj0EAwIwFjEUMBIGA1UEAwwLQVJJ
IFRlc3QgQ0EwHhcNMjYxMjAxMDQyNjM2WhcNMzYxMTI4MDQyNjM2WjAbMRkwFwYD
VQQDDBBteDEuZXhhbXBsZS50ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE
1zwAgwycRMgCEYUID6r93+TyNL/emZbdjaN8BoYqLEzHUAfndVQ6YMrkrJ58AeTs
UdwToKR4eiRFa8zjKeJVhaNfMF0wHwYDVR0jBBgwFoAUaYhba4dGQEHhs3uEe6Cu
LN4ByNQwGwYDVR0RBBQwEoIQbXgxLmV4YW1wbGUudGVzdDAdBgNVHQ4EFgQUf2Gi
3hBcdiWUxKtU3oxGXIQklK8wCgYIKoZIzj0EAwIDSAAwRQIhAIT/2IgznRomdQWU
noqiAOIDiGMt9BmKqBOG3HPvvnVSAiB43okyWeWsigG6vVH+NMPiT1h1vxzhfihm
vu85oFwvcw==
-----END CERTIFICATE-----
)";

TEST(Ari, CertificateIdentifierOfTheRfcExample) {
    auto id = ari_cert_id(ari_leaf);
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE");
    EXPECT_FALSE(ari_cert_id("not a certificate").ok());
}

TEST(Ari, WindowPointIsStablePerCertificateAndInRange) {
    const double p = window_point_for(ari_leaf);
    EXPECT_GE(p, 0.0);
    EXPECT_LT(p, 1.0);
    EXPECT_EQ(p, window_point_for(ari_leaf));
    EXPECT_NE(p, window_point_for(std::string(ari_leaf) + "\n"));
}

}  // namespace
}  // namespace dk::acme

namespace dk::acme {
namespace {

// The transport speaks https only: a plain http URL that got past every parser is still never
// requested (curl refuses the scheme before connecting; port 9 would refuse the connection).
TEST(CurlTransport, RefusesPlainHttpBeforeConnecting) {
    CurlTransport http(CurlOptions{});
    auto r = http.get("http://127.0.0.1:9/directory");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::environment);
    EXPECT_NE(r.error().message.find("protocol"), std::string::npos) << r.error().message;
}

// Requests go through libcurl loaded on first use; a failed one is one line naming the URL.
TEST(CurlTransport, PlainHttpIsRefusedInOneLine) {
    CurlTransport http(CurlOptions{.timeout = std::chrono::seconds{10}});
    const auto reply = http.get("http://127.0.0.1:1/directory");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, ErrorKind::environment);
    EXPECT_EQ(reply.error().message, "http://127.0.0.1:1/directory: Unsupported protocol");
}

TEST(CurlTransport, UnreachableServerIsOneLine) {
    CurlTransport http(CurlOptions{.timeout = std::chrono::seconds{10}});
    const auto reply = http.post("https://127.0.0.1:1/new-order", "{}", "application/json");
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, ErrorKind::environment);
    EXPECT_EQ(reply.error().message, "https://127.0.0.1:1/new-order: Couldn't connect to server");
}

}  // namespace
}  // namespace dk::acme
