// check_reply: one happy path, then one test per corrupted field (after PowerDNS test-tsig.cc).
#include <gtest/gtest.h>

#include <ctime>

#include "fake_dns_server.h"
#include "zone/dns_transport.h"

namespace dk::zone {
namespace {

const TsigKey kKey{"dk-update.", TsigAlgorithm::hmac_sha256,
                   "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVkIQ=="};

class ReplyCheck : public ::testing::Test {
  protected:
    void SetUp() override {
        ldns::RdfPtr name(ldns_dname_new_frm_str("example.test."));
        sent_.reset(ldns_pkt_query_new(name.release(), LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0));
        ldns_pkt_set_id(sent_.get(), 4711);
        ASSERT_EQ(ldns_pkt_tsig_sign(sent_.get(), kKey.name.c_str(), kKey.secret_base64.c_str(),
                                     300, "hmac-sha256.", nullptr),
                  LDNS_STATUS_OK);
    }
    ExchangeOutcome check(const std::vector<std::uint8_t>& wire, long long skew = 0) {
        return check_reply("192.0.2.1:53", *sent_, wire, kKey, 300, std::time(nullptr) + skew);
    }
    std::vector<std::uint8_t> reply(const std::optional<TsigKey>& key = kKey) {
        return testing::make_reply(*sent_, LDNS_RCODE_NOERROR, key);
    }
    static void expect_failure(const ExchangeOutcome& out, ExchangeFailure failure,
                               const std::string& words) {
        ASSERT_FALSE(out.ok());
        EXPECT_EQ(out.error->failure, failure);
        EXPECT_NE(out.error->error.message.find(words), std::string::npos)
            << out.error->error.message;
        EXPECT_NE(out.error->error.message.find("192.0.2.1:53"), std::string::npos);
        EXPECT_EQ(out.error->error.message.find(kKey.secret_base64), std::string::npos);
    }
    ldns::PktPtr sent_;
};

TEST_F(ReplyCheck, AcceptsACorrectlySignedReply) {
    auto out = check(reply());
    ASSERT_TRUE(out.ok()) << out.error->error.message;
    EXPECT_EQ(ldns_pkt_id(out.reply.get()), 4711);
    EXPECT_EQ(ldns_rr_list_rr_count(ldns_pkt_answer(out.reply.get())), 1U);
}

TEST_F(ReplyCheck, WrongKeyName) {
    TsigKey other = kKey;
    other.name = "someone-else.";
    expect_failure(check(reply(other)), ExchangeFailure::bad_reply, "signed by key someone-else.");
}

TEST_F(ReplyCheck, WrongSecret) {
    TsigKey other = kKey;
    other.secret_base64 = "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==";
    expect_failure(check(reply(other)), ExchangeFailure::bad_reply, "does not verify");
}

TEST_F(ReplyCheck, OtherAlgorithm) {
    TsigKey other = kKey;
    other.algorithm = TsigAlgorithm::hmac_sha512;
    expect_failure(check(reply(other)), ExchangeFailure::bad_reply, "algorithm hmac-sha512.");
}

TEST_F(ReplyCheck, TimeOutsideFudge) {
    expect_failure(check(reply(), 3600), ExchangeFailure::bad_reply, "outside our clock");
}

TEST_F(ReplyCheck, ServerSaysBadTime) {
    auto wire = testing::make_reply(*sent_, LDNS_RCODE_NOTAUTH, kKey);
    wire[wire.size() - 3] = 18;  // TSIG error field: BADTIME
    expect_failure(check(wire), ExchangeFailure::tsig_rejected, "BADTIME, rcode NOTAUTH");
}

// PowerDNS 4.7 answers an update whose MAC does not verify with NOTAUTH and no TSIG RR at all
// (RFC 8945 wants a TSIG RR carrying BADSIG): that is the server rejecting our signature, not a
// reply to distrust. Believing it is safe: it only ever reports a failure.
TEST_F(ReplyCheck, UnsignedNotauthIsARejectedSignature) {
    expect_failure(check(testing::make_reply(*sent_, LDNS_RCODE_NOTAUTH, std::nullopt)),
                   ExchangeFailure::tsig_rejected, "rejected our TSIG signature");
}

TEST_F(ReplyCheck, UnsignedRefusedStaysUntrusted) {
    expect_failure(check(testing::make_reply(*sent_, LDNS_RCODE_REFUSED, std::nullopt)),
                   ExchangeFailure::bad_reply, "not signed (rcode REFUSED)");
}

TEST_F(ReplyCheck, TruncatedMessage) {
    auto wire = reply();
    wire.resize(wire.size() - 10);
    expect_failure(check(wire), ExchangeFailure::bad_reply, "malformed");
}

TEST_F(ReplyCheck, MismatchedId) {
    auto wire = reply();
    wire[1] ^= 0x01;
    expect_failure(check(wire), ExchangeFailure::bad_reply, "expected 4711");
}

TEST_F(ReplyCheck, MismatchedQuestion) {
    auto wire = reply();
    wire[13] = 'x';  // first label "example" -> "xxample"
    expect_failure(check(wire), ExchangeFailure::bad_reply, "another question");
}

TEST_F(ReplyCheck, UnsignedReply) {
    expect_failure(check(reply(std::nullopt)), ExchangeFailure::bad_reply, "not signed");
}

TEST_F(ReplyCheck, NotAResponse) {
    auto wire = reply();
    wire[2] &= 0x7f;  // QR clear
    expect_failure(check(wire), ExchangeFailure::bad_reply, "QR bit");
}

}  // namespace
}  // namespace dk::zone
