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
    enum class Mode { reject_every_nonce, rate_limited, pending_authorization };
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
                r.headers.emplace_back("retry-after", "3600");
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
                    return answer(
                        200,
                        R"({"status":"pending","identifier":{"type":"dns","value":"mx1.example.test"},
                        "challenges":[{"type":"dns-01","url":"https://ca.test/chal/1","token":"tok","status":"pending"}]})");
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
        }
        return answer(500, "");
    }

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
        return {};
    }
    void cleanup(const std::vector<ChallengeTask>& t) override {
        cleaned += static_cast<int>(t.size());
    }
    int presented = 0, cleaned = 0;
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
    Result<Issued> run(FakeCa& ca) {
        ClientOptions options;
        options.directory_url = dir_url;
        options.deadline = Seconds{60};
        Client client(ca, *key_, options, clock_, sleeper_);
        auto r = client.issue({"mx1.example.test"}, csr_for(*key_), responder_);
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

}  // namespace
}  // namespace dk::acme
