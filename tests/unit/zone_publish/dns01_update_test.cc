// dns-01 records reach the primary only as TXT records at the challenge owner of a host name:
// a name that is not a host name (spaces, record syntax) is refused before any UPDATE is sent.
// Through the real RFC 2136 publisher, against the in-process server, which records every
// UPDATE it receives.
#include <gtest/gtest.h>

#include "acme/jwk.h"
#include "fake_dns_server.h"
#include "service/issuance/acme_dns01.h"

namespace dk::service {
namespace {

using zone::testing::FakeDnsServer;

class Dns01Update : public ::testing::Test {
  protected:
    Dns01Update() {
        zone::Rfc2136Options options;
        options.server = server_.address();
        options.timeout = std::chrono::milliseconds(500);
        options.confirm_timeout = std::chrono::milliseconds(50);  // the fake keeps no records
        publisher_ = std::make_unique<zone::Rfc2136Publisher>(options);
        Dns01Options dns;
        dns.zone = "example.test.";
        dns.deadline = std::chrono::seconds(1);
        responder_ = std::make_unique<Dns01Responder>(*publisher_, dns);
    }
    FakeDnsServer server_{std::nullopt};
    std::unique_ptr<zone::Rfc2136Publisher> publisher_;
    std::unique_ptr<Dns01Responder> responder_;
};

const std::string kKeyAuthorization = "tok.thumbprint";

TEST_F(Dns01Update, AHostNameBecomesOneTxtRecordAndNothingElse) {
    ASSERT_TRUE(responder_->present({{"MX1.example.test", "tok", kKeyAuthorization}}).ok());
    const std::string value = acme::dns01_txt_value(kKeyAuthorization);
    EXPECT_EQ(server_.update_records(),
              (std::vector<std::string>{
                  "_acme-challenge.mx1.example.test.\t0\tNONE\tTXT\t\\# 0\n",  // 2.4.3: absent
                  "_acme-challenge.mx1.example.test.\t60\tIN\tTXT\t\"" + value + "\"\n"}));
}

// A security review's finding: this identifier published an NS record at the challenge owner.
TEST_F(Dns01Update, RecordSyntaxInTheNameIsRefusedBeforeAnyUpdate) {
    for (const std::string hostile :
         {"mx1.example.test. 60 IN NS ns.attacker.test. ; ",
          "mx1.example.test. 60 IN NS ns.attacker.test. ; mx1.example.test",
          "mx1.example.test. 60 IN CNAME evil.attacker.test. ; mx1.example.test",
          "mx1.example.test. 60 IN DNAME attacker.test. ; mx1.example.test",
          "mx1.example.test\n_acme-challenge.example.test. 60 IN NS evil", "mx1..example.test",
          "mx1.example.test/x", ""}) {
        auto presented = responder_->present({{hostile, "tok", kKeyAuthorization}});
        ASSERT_FALSE(presented.ok()) << hostile;
        EXPECT_EQ(presented.error().kind, ErrorKind::bad_input) << hostile;
        EXPECT_NE(presented.error().message.find("is not a host name"), std::string::npos)
            << presented.error().message;
        responder_->cleanup({{hostile, "tok", kKeyAuthorization}});
    }
    EXPECT_EQ(server_.updates(), 0);
    EXPECT_TRUE(server_.update_records().empty());
}

}  // namespace
}  // namespace dk::service
