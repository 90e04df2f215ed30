// The client's answers to a misbehaving CA, against an in-process server with failure modes:
// every nonce rejected (bounded resends, then one line), rate limited (Retry-After kept for the
// caller), and a polling authorization (Retry-After followed, on a fake clock, no spinning).
#include "acme/client.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <map>

#include "base/base64.h"
#include "base/openssl_handles.h"

namespace dk::acme {
namespace {

const std::string dir_url = "https://ca.test/dir";

class FakeCa final : public HttpTransport {
  public:
    enum class Mode { reject_every_nonce, rate_limited, pending_authorization, http_order_url };
    explicit FakeCa(Mode mode) : mode_(mode) {}

    Result<HttpResponse> get(const std::string& url) override {
        ++gets;
        if (url != dir_url) return HttpResponse{404, "", {}};
        return HttpResponse{
            200,
            R"({"newNonce":"https://ca.test/nonce","newAccount":"https://ca.test/acct",
                                "newOrder":"https://ca.test/order"})",
            {}};
    }
    Result<HttpResponse> head(const std::string&) override { return answer(200, ""); }
    Result<HttpResponse> post(const std::string& url, const std::string& body,
                              const std::string&) override {
        ++posts[url];
        // Every request must carry the nonce the previous answer gave out.
        auto jws = nlohmann::json::parse(body);
        auto header = from_base64url(jws["protected"].get<std::string>());
        auto protected_header = nlohmann::json::parse(std::string(header->begin(), header->end()));
        if (protected_header["nonce"] != last_nonce_) ++wrong_nonces;
        switch (mode_) {
            case Mode::reject_every_nonce:
                return answer(400,
                              R"({"type":"urn:ietf:params:acme:error:badNonce","detail":"stale"})");
            case Mode::rate_limited: {
                auto r = answer(429, R"({"type":"urn:ietf:params:acme:error:rateLimited",
                                         "detail":"too many new accounts","status":429})");
                r.headers.emplace_back("retry-after", retry_after);
                return r;
            }
            case Mode::pending_authorization:
                if (url == "https://ca.test/acct") {
                    auto r = answer(201, R"({"status":"valid"})");
                    r.headers.emplace_back("location", "https://ca.test/acct/1");
                    return r;
                }
                if (url == "https://ca.test/order") {
                    auto r = answer(
                        201, R"({"status":"pending","authorizations":["https://ca.test/authz/1"],
                                             "finalize":"https://ca.test/fin/1"})");
                    r.headers.emplace_back("location", "https://ca.test/order/1");
                    return r;
                }
                if (url == "https://ca.test/authz/1" && posts[url] == 1) {
                    nlohmann::json authz = nlohmann::json::parse(
                        R"({"status":"pending",
                        "challenges":[{"type":"dns-01","url":"https://ca.test/chal/1","token":"tok","status":"pending"}]})");
                    authz["identifier"] = {{"type", "dns"}, {"value", authz_identifier}};
                    if (authz_wildcard) authz["wildcard"] = true;
                    return answer(200, authz.dump());
                }
                if (url == "https://ca.test/chal/1")
                    return answer(
                        200,
                        R"({"type":"dns-01","url":"https://ca.test/chal/1","token":"tok","status":"processing"})");
                {
                    auto r = answer(
                        200,
                        R"({"status":"pending","identifier":{"type":"dns","value":"mx1.example.test"},
                        "challenges":[{"type":"dns-01","url":"https://ca.test/chal/1","token":"tok","status":"processing"}]})");
                    r.headers.emplace_back("retry-after", "7");
                    return r;
                }
            case Mode::http_order_url:
                if (url == "https://ca.test/acct") {
                    auto r = answer(201, R"({"status":"valid"})");
                    r.headers.emplace_back("location", "https://ca.test/acct/1");
                    return r;
                }
                if (url == "https://ca.test/order") {
                    auto r = answer(
                        201, R"({"status":"pending","authorizations":["https://ca.test/authz/1"],
                                             "finalize":"https://ca.test/fin/1"})");
                    r.headers.emplace_back("location", "http://ca.test/order/1");
                    return r;
                }
                break;
        }
        return answer(500, "");
    }

    // The Retry-After of a rateLimited answer.
    std::string retry_after = "3600";
    // What the CA's authorization names (pending_authorization).
    std::string authz_identifier = "mx1.example.test";
    bool authz_wildcard = false;
    int gets = 0;
    std::map<std::string, int> posts;
    int wrong_nonces = 0;

  private:
    HttpResponse answer(long status, std::string body) {
        last_nonce_ = "n" + std::to_string(++nonce_counter_);
        return HttpResponse{status, std::move(body), {{"replay-nonce", last_nonce_}}};
    }
    Mode mode_;
    int nonce_counter_ = 0;
    std::string last_nonce_;
};

class CountingSleeper final : public Sleeper {
  public:
    explicit CountingSleeper(FakeClock& clock) : clock_(clock) {}
    void sleep(Seconds d) override {
        slept.push_back(d);
        clock_.advance(d);
    }
    std::vector<Seconds> slept;

  private:
    FakeClock& clock_;
};

class Recorder final : public Responder {
  public:
    [[nodiscard]] std::string challenge_type() const override { return "dns-01"; }
    Status present(const std::vector<ChallengeTask>& t) override {
        presented += static_cast<int>(t.size());
        for (const auto& task : t) identifiers.push_back(task.identifier);
        return {};
    }
    void cleanup(const std::vector<ChallengeTask>& t) override {
        cleaned += static_cast<int>(t.size());
    }
    int presented = 0, cleaned = 0;
    std::vector<std::string> identifiers;
};

// A CSR is checked before any request; this one is a real request made with OpenSSL.
std::string csr_for(const EVP_PKEY& key) {
    ossl::X509ReqPtr req(X509_REQ_new());
    X509_REQ_set_pubkey(req.get(), const_cast<EVP_PKEY*>(&key));
    X509_REQ_sign(req.get(), const_cast<EVP_PKEY*>(&key), EVP_sha256());
    ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_REQ(bio.get(), req.get());
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(len));
}

class ClientTest : public ::testing::Test {
  protected:
    Result<Issued> run(FakeCa& ca, const std::vector<std::string>& names = {"mx1.example.test"}) {
        ClientOptions options;
        options.directory_url = dir_url;
        options.deadline = Seconds{60};
        Client client(ca, *key_, options, clock_, sleeper_);
        auto r = client.issue(names, csr_for(*key_), responder_);
        bad_nonce_retries_ = client.bad_nonce_retries();
        retry_not_before_ = client.retry_not_before();
        return r;
    }
    ossl::EvpPkeyPtr key_{EVP_EC_gen("P-256")};
    FakeClock clock_{from_unix_seconds(1795521600)};
    CountingSleeper sleeper_{clock_};
    Recorder responder_;
    int bad_nonce_retries_ = 0;
    std::optional<TimePoint> retry_not_before_;
};

TEST_F(ClientTest, EveryNonceRejectedEndsAfterSixteenResends) {
    FakeCa ca(FakeCa::Mode::reject_every_nonce);
    auto r = run(ca);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message, "https://ca.test/acct: badNonce: stale");
    EXPECT_EQ(r.error().kind, ErrorKind::environment);
    EXPECT_EQ(bad_nonce_retries_, 16);
    EXPECT_EQ(ca.posts["https://ca.test/acct"], 17);
    EXPECT_EQ(ca.wrong_nonces, 0);  // each resend used the nonce from the error
}

TEST_F(ClientTest, RateLimitedKeepsTheRetryAfterForTheCaller) {
    FakeCa ca(FakeCa::Mode::rate_limited);
    auto r = run(ca);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::check_failed);
    EXPECT_EQ(
        r.error().message,
        "https://ca.test/acct: rateLimited (HTTP 429): too many new accounts (Retry-After 3600)");
    EXPECT_EQ(retry_not_before_, clock_.now() + Seconds{3600});
    EXPECT_EQ(ca.posts["https://ca.test/acct"], 1);  // no resend of a refusal
    EXPECT_TRUE(sleeper_.slept.empty());
}

// A security review's finding: "Retry-After: 999999999" was kept and held issuance for 31 years.
// The hold is at most six hours; after it the CA is asked again and may name another time.
TEST_F(ClientTest, RetryAfterHoldsAtMostSixHours) {
    for (const std::string far : {"999999999", "Wed, 31 Dec 2200 23:59:59 GMT", "21601"}) {
        FakeCa ca(FakeCa::Mode::rate_limited);
        ca.retry_after = far;
        auto r = run(ca);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(retry_not_before_, clock_.now() + std::chrono::hours(6)) << far;
    }
    FakeCa ca(FakeCa::Mode::rate_limited);
    ca.retry_after = "21599";
    (void)run(ca);
    EXPECT_EQ(retry_not_before_, clock_.now() + Seconds{21599});
}

TEST_F(ClientTest, PollingFollowsRetryAfterUntilTheDeadlineAndCleansUp) {
    FakeCa ca(FakeCa::Mode::pending_authorization);
    auto r = run(ca);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("still pending at the deadline"), std::string::npos)
        << r.error().message;
    ASSERT_FALSE(sleeper_.slept.empty());
    for (auto s : sleeper_.slept) EXPECT_EQ(s, Seconds{7});  // the server's Retry-After
    EXPECT_LE(sleeper_.slept.size(), 10u);                   // 60 s deadline / 7 s
    EXPECT_EQ(responder_.presented, 1);
    EXPECT_EQ(responder_.cleaned, 1);  // removed on failure too
    EXPECT_EQ(ca.wrong_nonces, 0);
}

// A security review's finding: the CA's identifier became a TXT owner unchecked, so
// "mx1.example.net. 60 IN NS ns.attacker.test. ; " published an NS record. Only names we ordered
// are answered, and the task carries our spelling of the name, never the CA's text.
TEST_F(ClientTest, AuthorizationForANameWeDidNotOrderIsRefusedBeforeAnythingIsPublished) {
    for (const std::string hostile :
         {"mx1.example.test. 60 IN NS ns.attacker.test. ; ",
          "mx1.example.test. 60 IN NS ns.attacker.test. ; mx1.example.test",
          "mx1.example.test. 60 IN CNAME evil.attacker.test. ; mx1.example.test",
          "mx1.example.test. 60 IN DNAME attacker.test. ; mx1.example.test", "mx2.example.test",
          "example.test", "mx1.example.test.evil"}) {
        FakeCa ca(FakeCa::Mode::pending_authorization);
        ca.authz_identifier = hostile;
        auto r = run(ca);
        ASSERT_FALSE(r.ok()) << hostile;
        EXPECT_NE(r.error().message.find("which was not ordered"), std::string::npos)
            << r.error().message;
        EXPECT_EQ(r.error().kind, ErrorKind::environment) << hostile;
        EXPECT_EQ(responder_.presented, 0) << hostile;
        EXPECT_EQ(ca.posts["https://ca.test/chal/1"], 0) << hostile;
    }
}

TEST_F(ClientTest, AuthorizationMatchesOrderedNamesCaseInsensitivelyAsDnsNames) {
    FakeCa ca(FakeCa::Mode::pending_authorization);
    ca.authz_identifier = "MX1.Example.TEST.";
    auto r = run(ca, {"mx1.example.test"});
    ASSERT_FALSE(r.ok());  // stays pending until the deadline; what matters is what was presented
    EXPECT_EQ(responder_.identifiers, std::vector<std::string>{"mx1.example.test"});
}

TEST_F(ClientTest, WildcardAuthorizationMatchesOnlyTheOrderedWildcard) {
    FakeCa wildcard(FakeCa::Mode::pending_authorization);
    wildcard.authz_identifier = "example.test";
    wildcard.authz_wildcard = true;
    (void)run(wildcard, {"*.example.test"});
    EXPECT_EQ(responder_.identifiers, std::vector<std::string>{"*.example.test"});

    FakeCa not_ordered(FakeCa::Mode::pending_authorization);
    not_ordered.authz_identifier = "example.test";
    not_ordered.authz_wildcard = true;
    auto r = run(not_ordered, {"example.test"});
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("which was not ordered"), std::string::npos)
        << r.error().message;
}

TEST_F(ClientTest, PlainHttpOrderUrlIsRefused) {
    FakeCa ca(FakeCa::Mode::http_order_url);
    auto r = run(ca);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message.find("not an https URL: http://ca.test/order/1"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(ca.posts["http://ca.test/order/1"], 0);
    EXPECT_EQ(responder_.presented, 0);
}

}  // namespace
}  // namespace dk::acme
