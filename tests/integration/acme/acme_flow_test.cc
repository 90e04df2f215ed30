// The ACME client end to end against a real Pebble with dns-01 through the testbed's BIND:
// issuance while half of all nonces are rejected, the chain choice among Pebble's two chains,
// failing authorizations (a TXT never published, a TXT with the wrong value) reported in one
// line with the challenge records removed afterwards, http-01 through a webroot, and external
// account binding with a Pebble that requires it.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acme/account_key.h"
#include "acme/client.h"
#include "cert/chain.h"
#include "cert/csr.h"
#include "cert/keys.h"
#include "cert/tlsa_data.h"
#include "pebble_process.h"
#include "service/issuance/acme_dns01.h"
#include "support/testbed_env.h"
#include "zone/dns_transport.h"
#include "zone/tsig_key.h"

namespace dk {
namespace {

using testing::TestbedEnv;

std::string subject_cn(const std::string& pem) {
    ossl::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    ossl::X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) return {};
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, buf, sizeof buf);
    return buf;
}

// The chain verifies to `root_pem` (OpenSSL's verifier, purpose TLS server).
bool verifies_to(const std::string& chain_pem, const std::string& root_pem) {
    auto chain = cert::parse_chain_pem(chain_pem, "chain");
    auto root = cert::parse_chain_pem(root_pem, "root");
    if (!chain.ok() || !root.ok()) return false;
    ossl::X509StorePtr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), root->front().get());
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    for (std::size_t i = 1; i < chain->size(); ++i)
        sk_X509_push(untrusted.get(), (*chain)[i].get());
    ossl::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), chain->front().get(), untrusted.get());
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    const bool ok = X509_verify_cert(ctx.get()) == 1;
    // The stack only borrowed the certificates.
    while (sk_X509_num(untrusted.get()) > 0) sk_X509_pop(untrusted.get());
    return ok;
}

// Publishes nothing and says it did: the CA finds no TXT.
class SilentResponder final : public acme::Responder {
  public:
    [[nodiscard]] std::string challenge_type() const override { return "dns-01"; }
    Status present(const std::vector<acme::ChallengeTask>&) override { return {}; }
    void cleanup(const std::vector<acme::ChallengeTask>&) override {}
};

// Publishes through the real responder, but for a wrong key authorization.
class WrongValueResponder final : public acme::Responder {
  public:
    explicit WrongValueResponder(acme::Responder& inner) : inner_(inner) {}
    [[nodiscard]] std::string challenge_type() const override { return "dns-01"; }
    Status present(const std::vector<acme::ChallengeTask>& tasks) override {
        return inner_.present(corrupt(tasks));
    }
    void cleanup(const std::vector<acme::ChallengeTask>& tasks) override {
        inner_.cleanup(corrupt(tasks));
    }

  private:
    static std::vector<acme::ChallengeTask> corrupt(std::vector<acme::ChallengeTask> tasks) {
        for (auto& t : tasks) t.key_authorization += "x";
        return tasks;
    }
    acme::Responder& inner_;
};

class AcmeFlow : public ::testing::Test {
  protected:
    void SetUp() override {
        env_ = TestbedEnv::load();
        work_ = "/tmp/dk-acme-it-XXXXXX";
        ASSERT_NE(::mkdtemp(work_.data()), nullptr);
        const std::string tb = env_.get("TB_DIR");
        testing::PebbleSettings settings{env_.get("TB_PEBBLE_ADDR"),
                                         14100,
                                         tb + "/pebble/https.pem",
                                         tb + "/pebble/https.key",
                                         env_.get("TB_PEBBLE_TLS_CA"),
                                         env_.get("TB_PRIMARY"),
                                         50,
                                         1,
                                         work_};
        customize(settings);
        pebble_ = std::make_unique<testing::PebbleProcess>(settings);
        ASSERT_TRUE(pebble_->running()) << "pebble did not start; see " << work_ << "/pebble.log";
        auto key = zone::load_tsig_key(env_.get("TB_TSIG_KEY_FILE"), std::nullopt);
        ASSERT_TRUE(key.ok()) << key.error().message;
        publisher_ = std::make_unique<zone::Rfc2136Publisher>(
            zone::Rfc2136Options{*parse_host_port(env_.get("TB_PRIMARY"), 53), *key});
        service::Dns01Options options;
        options.zone = "example.test.";
        options.authoritative = {*parse_host_port(env_.get("TB_PRIMARY"), 53),
                                 *parse_host_port(env_.get("TB_SECONDARY"), 53)};
        options.ttl = 1;
        dns01_ = std::make_unique<service::Dns01Responder>(*publisher_, options);
        auto account = acme::load_or_create_account_key(work_ + "/account.key");
        ASSERT_TRUE(account.ok()) << account.error().message;
        account_ = std::move(*account);
        http_ =
            std::make_unique<acme::CurlTransport>(acme::CurlOptions{env_.get("TB_PEBBLE_TLS_CA")});
    }
    void TearDown() override {
        pebble_.reset();
        if (work_.find("dk-acme-it-") != std::string::npos) std::filesystem::remove_all(work_);
    }

    virtual void customize(testing::PebbleSettings&) {}

    acme::Client client(std::optional<std::string> preferred = std::nullopt,
                        std::optional<acme::Eab> eab = std::nullopt) {
        acme::ClientOptions options;
        options.eab = std::move(eab);
        options.directory_url = pebble_->directory_url();
        options.contact = {"mailto:hostmaster@example.test"};
        options.preferred_chain = std::move(preferred);
        options.deadline = Seconds{120};
        return acme::Client(*http_, *account_, options, clock_, sleeper_);
    }

    // The TXT RRset at the challenge owner, as the primary serves it.
    std::vector<std::string> challenge_txt(const std::string& name) {
        auto owner = service::challenge_owner(name);
        EXPECT_TRUE(owner.ok()) << name;
        if (!owner.ok()) return {"<not a host name>"};
        auto rrset = publisher_->read_rrset(*owner, LDNS_RR_TYPE_TXT);
        EXPECT_TRUE(rrset.ok());
        return rrset.ok() ? rrset->rdatas : std::vector<std::string>{"<unreadable>"};
    }

    TestbedEnv env_;
    std::string work_;
    std::unique_ptr<testing::PebbleProcess> pebble_;
    std::unique_ptr<zone::Rfc2136Publisher> publisher_;
    std::unique_ptr<service::Dns01Responder> dns01_;
    ossl::EvpPkeyPtr account_;
    std::unique_ptr<acme::CurlTransport> http_;
    SystemClock clock_;
    acme::RealSleeper sleeper_;
};

TEST_F(AcmeFlow, IssuesForOurKeyWithDns01WhileHalfTheNoncesAreRejected) {
    struct stat st {};
    ASSERT_EQ(::stat((work_ + "/account.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    const std::vector<std::string> names{"mx1.example.test", "mx2.example.test"};
    auto csr = cert::make_csr_pem(**key, names);
    ASSERT_TRUE(csr.ok());
    auto c = client();
    auto issued = c.issue(names, *csr, *dns01_);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    std::cout << "badNonce retries: " << c.bad_nonce_retries() << "\n";
    EXPECT_GT(c.bad_nonce_retries(), 0);
    // The certificate is for the key we chose, names both hosts, and chains to Pebble's root.
    auto chain = cert::parse_chain_pem(issued->chain_pem, "issued");
    ASSERT_TRUE(chain.ok());
    EXPECT_EQ(*cert::spki_sha256(*chain->front()), *cert::spki_sha256(**key));
    const auto sans = cert::dns_names(*chain->front());
    for (const auto& n : names) EXPECT_NE(std::find(sans.begin(), sans.end(), n), sans.end());
    ASSERT_EQ(issued->issuers.size(), 2u) << "Pebble with one alternate root offers two chains";
    EXPECT_EQ(issued->top_issuer, subject_cn(pebble_->root(0)));
    EXPECT_TRUE(verifies_to(issued->chain_pem, pebble_->root(0)));
    EXPECT_FALSE(verifies_to(issued->chain_pem, pebble_->root(1)));
    // The challenge records are gone again.
    for (const auto& n : names) EXPECT_TRUE(challenge_txt(n).empty()) << n;
}

TEST_F(AcmeFlow, PreferredChainPicksTheAlternate) {
    const std::string alternate_cn = subject_cn(pebble_->root(1));
    ASSERT_FALSE(alternate_cn.empty());
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    auto csr = cert::make_csr_pem(**key, {"mx1.example.test"});
    ASSERT_TRUE(csr.ok());
    auto c = client(alternate_cn);
    auto issued = c.issue({"mx1.example.test"}, *csr, *dns01_);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    EXPECT_EQ(issued->top_issuer, alternate_cn);
    EXPECT_TRUE(verifies_to(issued->chain_pem, pebble_->root(1)));
}

TEST_F(AcmeFlow, UnpublishedChallengeFailsInOneLine) {
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    auto csr = cert::make_csr_pem(**key, {"mx2.example.test"});
    ASSERT_TRUE(csr.ok());
    SilentResponder silent;
    auto c = client();
    auto issued = c.issue({"mx2.example.test"}, *csr, silent);
    ASSERT_FALSE(issued.ok());
    std::cout << issued.error().message << "\n";
    EXPECT_EQ(issued.error().kind, ErrorKind::check_failed);
    EXPECT_NE(issued.error().message.find("authorization for mx2.example.test is invalid"),
              std::string::npos);
    EXPECT_EQ(issued.error().message.find('\n'), std::string::npos);
}

TEST_F(AcmeFlow, WrongTxtFailsAndIsRemovedAfterwards) {
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    auto csr = cert::make_csr_pem(**key, {"mx1.example.test"});
    ASSERT_TRUE(csr.ok());
    WrongValueResponder wrong(*dns01_);
    auto c = client();
    auto issued = c.issue({"mx1.example.test"}, *csr, wrong);
    ASSERT_FALSE(issued.ok());
    std::cout << issued.error().message << "\n";
    EXPECT_EQ(issued.error().kind, ErrorKind::check_failed);
    EXPECT_NE(issued.error().message.find("unauthorized"), std::string::npos);
    EXPECT_TRUE(challenge_txt("mx1.example.test").empty());
}

TEST_F(AcmeFlow, NameOutsideTheZoneIsRefusedBeforeAnythingIsPublished) {
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    auto csr = cert::make_csr_pem(**key, {"mail.elsewhere.test"});
    ASSERT_TRUE(csr.ok());
    auto c = client();
    auto issued = c.issue({"mail.elsewhere.test"}, *csr, *dns01_);
    ASSERT_FALSE(issued.ok());
    std::cout << issued.error().message << "\n";
    EXPECT_NE(issued.error().message.find("_acme-challenge.mail.elsewhere.test."),
              std::string::npos);
}

// http-01 into a webroot that a plain web server on mx1's address serves on Pebble's port.
TEST_F(AcmeFlow, Http01ThroughTheWebrootAndTheFileIsRemoved) {
    const std::string webroot = work_ + "/www";
    ASSERT_EQ(::mkdir(webroot.c_str(), 0755), 0);
    testing::StaticHttpServer web(env_.get("TB_MX1_ADDR"), 5002, webroot, work_ + "/http.log");
    ASSERT_TRUE(web.running());
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    auto csr = cert::make_csr_pem(**key, {"mx1.example.test"});
    ASSERT_TRUE(csr.ok());
    acme::WebrootResponder http01(webroot);
    auto c = client();
    auto issued = c.issue({"mx1.example.test"}, *csr, http01);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    EXPECT_TRUE(verifies_to(issued->chain_pem, pebble_->root(0)));
    const std::string dir = webroot + "/.well-known/acme-challenge";
    EXPECT_TRUE(std::filesystem::is_empty(dir)) << "challenge files left in " << dir;
}

class AcmeFlowEab : public AcmeFlow {
  protected:
    void customize(testing::PebbleSettings& s) override {
        s.eab_kid = "kid-1";
        s.eab_key = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
    }
};

TEST_F(AcmeFlowEab, AccountNeedsTheBindingAndWorksWithIt) {
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    auto csr = cert::make_csr_pem(**key, {"mx2.example.test"});
    ASSERT_TRUE(csr.ok());
    auto without = client().issue({"mx2.example.test"}, *csr, *dns01_);
    ASSERT_FALSE(without.ok());
    std::cout << without.error().message << "\n";
    EXPECT_EQ(without.error().kind, ErrorKind::bad_input);
    EXPECT_NE(without.error().message.find("requires external account binding"), std::string::npos);

    const std::string key_file = work_ + "/eab.key";
    std::ofstream(key_file) << "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W\n";
    ::chmod(key_file.c_str(), 0600);
    auto mac = acme::load_eab_key(key_file);
    ASSERT_TRUE(mac.ok()) << mac.error().message;
    auto wrong = *mac;
    wrong[0] ^= 1;
    auto refused =
        client(std::nullopt, acme::Eab{"kid-1", wrong}).issue({"mx2.example.test"}, *csr, *dns01_);
    ASSERT_FALSE(refused.ok());
    std::cout << refused.error().message << "\n";
    EXPECT_NE(refused.error().message.find("unauthorized"), std::string::npos);
    auto issued =
        client(std::nullopt, acme::Eab{"kid-1", *mac}).issue({"mx2.example.test"}, *csr, *dns01_);
    ASSERT_TRUE(issued.ok()) << issued.error().message;
}

// Pebble validates dns-01 through the testbed's validating Unbound (aggressive NSEC, RFC 8198,
// on by default), which holds the NSEC covering the challenge owner when the TXT is published.
class AcmeFlowThroughResolver : public AcmeFlow {
  protected:
    void customize(testing::PebbleSettings& s) override {
        s.dns_server = env_.get("TB_RESOLVER");
        s.nonce_reject_percent = 0;
    }
};

// Asks the resolver for a nonexistent name next to each challenge owner first: the validated
// NXDOMAIN leaves the NSEC covering the owner in its cache, from which it then denies the owner
// itself without asking the servers.
class CoveringNsecCachedFirst final : public acme::Responder {
  public:
    CoveringNsecCachedFirst(acme::Responder& inner, HostPort resolver)
        : inner_(inner), resolver_(std::move(resolver)) {}
    [[nodiscard]] std::string challenge_type() const override { return "dns-01"; }
    Status present(const std::vector<acme::ChallengeTask>& tasks) override {
        for (const auto& t : tasks) {
            // "_acme-chall" sorts just before "_acme-challenge": the same NSEC covers both.
            const std::string nearby = "_acme-chall." + t.identifier + ".";
            auto reply = zone::ask_server(resolver_, zone::Question{nearby, LDNS_RR_TYPE_TXT, true},
                                          zone::TransportOptions{});
            if (!reply.ok()) return reply.error();
            if (ldns_pkt_get_rcode(reply->get()) != LDNS_RCODE_NXDOMAIN ||
                !ldns_pkt_ad(reply->get()))
                return Error::check_failed(nearby + ": no validated NXDOMAIN from the resolver");
            primed_ = true;
        }
        return inner_.present(tasks);
    }
    void cleanup(const std::vector<acme::ChallengeTask>& tasks) override { inner_.cleanup(tasks); }
    [[nodiscard]] bool primed() const { return primed_; }

  private:
    acme::Responder& inner_;
    HostPort resolver_;
    bool primed_ = false;
};

TEST_F(AcmeFlowThroughResolver, CachedCoveringNsecDoesNotFailTheFirstOrder) {
    auto key = cert::generate_key(cert::KeyAlgorithm::ecdsa_p256);
    ASSERT_TRUE(key.ok());
    auto csr = cert::make_csr_pem(**key, {"mx1.example.test"});
    ASSERT_TRUE(csr.ok());
    CoveringNsecCachedFirst primed(*dns01_, *parse_host_port(env_.get("TB_RESOLVER"), 53));
    auto c = client();
    auto issued = c.issue({"mx1.example.test"}, *csr, primed);
    EXPECT_TRUE(primed.primed());
    ASSERT_TRUE(issued.ok()) << issued.error().message;
    EXPECT_TRUE(challenge_txt("mx1.example.test").empty());
}

}  // namespace
}  // namespace dk
