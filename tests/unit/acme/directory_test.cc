#include "acme/directory.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dk::acme {
namespace {

// Pebble 2.4's directory, as served on the testbed.
constexpr const char* pebble_directory = R"({
   "keyChange": "https://127.0.0.1:14000/rollover-account-key",
   "meta": {"externalAccountRequired": false, "termsOfService": "data:text/plain,Do%20what%20thou%20wilt"},
   "newAccount": "https://127.0.0.1:14000/sign-me-up",
   "newNonce": "https://127.0.0.1:14000/nonce-plz",
   "newOrder": "https://127.0.0.1:14000/order-plz",
   "revokeCert": "https://127.0.0.1:14000/revoke-cert"
})";

TEST(Directory, PebbleDirectory) {
    auto d = parse_directory(pebble_directory, "dir");
    ASSERT_TRUE(d.ok()) << d.error().message;
    EXPECT_EQ(d->new_nonce, "https://127.0.0.1:14000/nonce-plz");
    EXPECT_EQ(d->new_account, "https://127.0.0.1:14000/sign-me-up");
    EXPECT_EQ(d->new_order, "https://127.0.0.1:14000/order-plz");
    EXPECT_FALSE(d->renewal_info);
    EXPECT_FALSE(d->external_account_required);
    EXPECT_FALSE(d->terms_of_service);  // a data: URL is not followed
}

TEST(Directory, AriAndEab) {
    auto d = parse_directory(
        R"({"newNonce":"https://ca/n","newAccount":"https://ca/a","newOrder":"https://ca/o",
            "renewalInfo":"https://ca/ari","meta":{"externalAccountRequired":true}})",
        "dir");
    ASSERT_TRUE(d.ok());
    EXPECT_EQ(d->renewal_info, "https://ca/ari");
    EXPECT_TRUE(d->external_account_required);
}

TEST(Directory, RefusesMissingOrStrangeUrls) {
    EXPECT_FALSE(parse_directory("{}", "dir").ok());
    EXPECT_FALSE(parse_directory("not json", "dir").ok());
    auto bad = parse_directory(
        R"({"newNonce":"file:///etc/passwd","newAccount":"https://ca/a","newOrder":"https://ca/o"})",
        "https://ca/dir");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message,
              "https://ca/dir: newNonce is not an https URL: file:///etc/passwd");
}

// Every URL the CA hands out is followed with our account's signature or trusted for the
// certificate: plain http is refused wherever it appears, not skipped.
TEST(Directory, RefusesPlainHttpUrls) {
    for (const char* key : {"newNonce", "newAccount", "newOrder", "renewalInfo"}) {
        nlohmann::json d = {{"newNonce", "https://ca/n"},
                            {"newAccount", "https://ca/a"},
                            {"newOrder", "https://ca/o"},
                            {"renewalInfo", "https://ca/ari"}};
        d[key] = "http://ca/x";
        auto parsed = parse_directory(d.dump(), "https://ca/dir");
        ASSERT_FALSE(parsed.ok()) << key;
        EXPECT_EQ(parsed.error().message,
                  std::string("https://ca/dir: ") + key + " is not an https URL: http://ca/x");
    }
}

TEST(Objects, RefusePlainHttpUrls) {
    const nlohmann::json order = {{"status", "valid"},
                                  {"authorizations", {"https://ca/authz/1"}},
                                  {"finalize", "https://ca/fin/1"},
                                  {"certificate", "https://ca/cert/1"}};
    ASSERT_TRUE(parse_order(order.dump(), "order").ok());
    for (const char* key : {"finalize", "certificate"}) {
        nlohmann::json o = order;
        o[key] = "http://ca/x";
        auto parsed = parse_order(o.dump(), "order");
        ASSERT_FALSE(parsed.ok()) << key;
        EXPECT_EQ(parsed.error().message,
                  std::string("order: ") + key + " is not an https URL: http://ca/x");
    }
    nlohmann::json authz_list = order;
    authz_list["authorizations"] = {"https://ca/authz/1", "http://ca/authz/2"};
    EXPECT_FALSE(parse_order(authz_list.dump(), "order").ok());
    EXPECT_FALSE(
        parse_challenge(
            R"({"type":"dns-01","url":"http://ca/chal/1","token":"t","status":"pending"})", "chal")
            .ok());
    EXPECT_FALSE(https_url("http://ca/x"));
    EXPECT_FALSE(https_url("HTTP://ca/x"));
    EXPECT_FALSE(https_url("https:///x"));
    EXPECT_TRUE(https_url("https://ca/x"));
}

TEST(Objects, OrderAndAuthorization) {
    auto order = parse_order(R"({"status":"pending","identifiers":[],
        "authorizations":["https://ca/authz/1","https://ca/authz/2"],
        "finalize":"https://ca/finalize/1"})",
                             "order");
    ASSERT_TRUE(order.ok()) << order.error().message;
    EXPECT_EQ(order->authorizations.size(), 2u);
    EXPECT_FALSE(order->certificate);

    auto authz = parse_authorization(R"({"status":"invalid",
        "identifier":{"type":"dns","value":"mx1.example.test"},
        "challenges":[{"type":"dns-01","url":"https://ca/chal/1","token":"abc-_1","status":"invalid",
          "error":{"type":"urn:ietf:params:acme:error:unauthorized","detail":"no TXT"}},
          {"type":"http-01","url":"https://ca/chal/2","token":"../../etc","status":"pending"}]})",
                                     "authz");
    ASSERT_TRUE(authz.ok()) << authz.error().message;
    EXPECT_EQ(authz->identifier, "mx1.example.test");
    // The challenge with a path in its token is dropped: tokens become file names.
    ASSERT_EQ(authz->challenges.size(), 1u);
    EXPECT_EQ(authz->challenges[0].error, "unauthorized: no TXT");
}

TEST(Objects, RenewalInfoWindow) {
    auto w = parse_renewal_info(
        R"({"suggestedWindow":{"start":"2026-12-01T00:00:00Z","end":"2026-12-03T00:00:00+00:00"}})",
        "ari");
    ASSERT_TRUE(w.ok()) << w.error().message;
    EXPECT_EQ(w->end - w->start, std::chrono::hours(48));
    EXPECT_FALSE(
        parse_renewal_info(
            R"({"suggestedWindow":{"start":"2026-12-03T00:00:00Z","end":"2026-12-01T00:00:00Z"}})",
            "ari")
            .ok());
}

}  // namespace
}  // namespace dk::acme
