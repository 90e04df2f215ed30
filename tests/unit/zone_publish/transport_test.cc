// The transport and the publisher against the in-process fake server's failure modes.
#include <gtest/gtest.h>

#include <set>

#include "fake_dns_server.h"
#include "zone/publisher.h"

namespace dk::zone {
namespace {

using testing::FakeBehaviour;
using testing::FakeDnsServer;
using testing::FakeMode;

const TsigKey kKey{"dk-update.", TsigAlgorithm::hmac_sha256,
                   "c2VjcmV0LXRoYXQtbXVzdC1uZXZlci1iZS1wcmludGVkIQ=="};
const std::string kOwner = "_25._tcp.mx1.example.test.";

ldns::PktPtr soa_query() {
    ldns::RdfPtr name(ldns_dname_new_frm_str("example.test."));
    return ldns::PktPtr(ldns_pkt_query_new(name.release(), LDNS_RR_TYPE_SOA, LDNS_RR_CLASS_IN, 0));
}

TransportOptions options() {
    TransportOptions t;
    t.timeout = std::chrono::milliseconds(300);
    t.tsig = kKey;
    return t;
}

struct ModeCase {
    const char* label;
    FakeMode mode;
    std::optional<ExchangeFailure> failure;  // nullopt: a verified reply
    const char* words;
};

class TransportMode : public ::testing::TestWithParam<ModeCase> {};

TEST_P(TransportMode, ClassifiesTheReply) {
    FakeDnsServer server(kKey);
    server.set({GetParam().mode});
    auto query = soa_query();
    ExchangeOutcome out = exchange_detailed(server.address(), *query, options());
    if (!GetParam().failure) {
        ASSERT_TRUE(out.ok()) << out.error->error.message;
        EXPECT_EQ(ldns_pkt_get_rcode(out.reply.get()), LDNS_RCODE_NOERROR);
        return;
    }
    ASSERT_FALSE(out.ok());
    EXPECT_EQ(out.error->failure, *GetParam().failure);
    EXPECT_NE(out.error->error.message.find(GetParam().words), std::string::npos)
        << out.error->error.message;
    EXPECT_NE(out.error->error.message.find(server.address().to_string()), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Modes, TransportMode,
    ::testing::Values(
        ModeCase{"answer", FakeMode::answer, std::nullopt, ""},
        ModeCase{"truncate_then_tcp", FakeMode::truncate_then_tcp, std::nullopt, ""},
        ModeCase{"corrupt", FakeMode::corrupt, ExchangeFailure::bad_reply, "malformed"},
        ModeCase{"wrong_id", FakeMode::wrong_id, ExchangeFailure::bad_reply, "spoofed"},
        ModeCase{"wrong_question", FakeMode::wrong_question, ExchangeFailure::bad_reply,
                 "another question"},
        ModeCase{"bad_tsig", FakeMode::bad_tsig, ExchangeFailure::bad_reply, "does not verify"},
        ModeCase{"unsigned", FakeMode::unsigned_reply, ExchangeFailure::bad_reply, "not signed"},
        ModeCase{"badsig", FakeMode::tsig_error, ExchangeFailure::tsig_rejected, "BADSIG"},
        ModeCase{"silence", FakeMode::silence, ExchangeFailure::no_reply, "timeout"}),
    [](const auto& test_info) { return std::string(test_info.param.label); });

TEST(Transport, TruncatedUdpReplyIsRetriedOverTcp) {
    FakeDnsServer server(kKey);
    server.set({FakeMode::truncate_then_tcp});
    auto query = soa_query();
    auto reply = exchange(server.address(), *query, options());
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(server.tcp_requests(), 1);
}

class PublisherWithFake : public ::testing::Test {
  protected:
    Rfc2136Publisher publisher() {
        Rfc2136Options o{server_.address(), kKey};
        o.timeout = std::chrono::milliseconds(200);
        o.backoff = std::chrono::milliseconds(1);
        o.confirm_timeout = std::chrono::milliseconds(0);
        return Rfc2136Publisher(o);
    }
    static ZoneChange add_one() {
        return {
            "example.test.",
            {{ChangeAction::add, kOwner, LDNS_RR_TYPE_TLSA, 300, "3 1 1 " + std::string(64, 'a')}},
            {{kOwner, LDNS_RR_TYPE_TLSA, 0, {}}}};
    }
    UpdateResult apply(FakeBehaviour behaviour) {
        server_.set(behaviour);
        auto p = publisher();
        auto result = p.apply(add_one());
        EXPECT_TRUE(result.ok());
        return result.ok() ? *result : UpdateResult{};
    }
    FakeDnsServer server_{kKey};
};

TEST_F(PublisherWithFake, NoErrorIsAppliedWithTheSerial) {
    auto r = apply({FakeMode::answer, LDNS_RCODE_NOERROR, 16, 2024});
    EXPECT_EQ(r.outcome, UpdateOutcome::applied);
    EXPECT_EQ(r.serial, 2024U);
    EXPECT_FALSE(r.confirmed);  // the fake never serves the record
    EXPECT_EQ(server_.updates(), 1);
}

TEST_F(PublisherWithFake, FailedPrerequisiteIsItsOwnOutcomeAndNotRetried) {
    auto r = apply({FakeMode::answer, LDNS_RCODE_YXRRSET});
    EXPECT_EQ(r.outcome, UpdateOutcome::prerequisite_failed);
    EXPECT_EQ(r.rcode, "YXRRSET");
    EXPECT_EQ(server_.updates(), 1);
    EXPECT_EQ(to_error(r).kind, ErrorKind::check_failed);
}

TEST_F(PublisherWithFake, RefusedAndNotAuthAreNeverRetried) {
    for (auto rcode : {LDNS_RCODE_REFUSED, LDNS_RCODE_NOTAUTH, LDNS_RCODE_NOTZONE}) {
        const int before = server_.updates();
        auto r = apply({FakeMode::answer, rcode});
        EXPECT_EQ(r.outcome, UpdateOutcome::refused);
        EXPECT_EQ(server_.updates() - before, 1);
    }
}

TEST_F(PublisherWithFake, BadSigIsNeverRetried) {
    auto r = apply({FakeMode::tsig_error});
    EXPECT_EQ(r.outcome, UpdateOutcome::tsig_rejected);
    EXPECT_EQ(server_.updates(), 1);
}

TEST_F(PublisherWithFake, ServfailIsRetriedThenReported) {
    auto r = apply({FakeMode::answer, LDNS_RCODE_SERVFAIL});
    EXPECT_EQ(r.outcome, UpdateOutcome::server_error);
    EXPECT_EQ(r.attempts, 3);
    EXPECT_EQ(server_.updates(), 3);
    EXPECT_EQ(to_error(r).kind, ErrorKind::environment);
}

TEST_F(PublisherWithFake, SilenceIsRetriedThenNoReply) {
    auto r = apply({FakeMode::silence});
    EXPECT_EQ(r.outcome, UpdateOutcome::no_reply);
    EXPECT_EQ(server_.updates(), 3);
}

TEST_F(PublisherWithFake, FormErrIsNotRetried) {
    auto r = apply({FakeMode::answer, LDNS_RCODE_FORMERR});
    EXPECT_EQ(r.outcome, UpdateOutcome::server_error);
    EXPECT_EQ(server_.updates(), 1);
}

TEST_F(PublisherWithFake, ReadRrsetOfAnEmptyOwner) {
    auto p = publisher();
    auto rrset = p.read_rrset(kOwner, LDNS_RR_TYPE_TLSA);
    ASSERT_TRUE(rrset.ok()) << rrset.error().message;
    EXPECT_TRUE(rrset->rdatas.empty());
}

// Every query goes out with its own unpredictable message ID (RFC 5452), which the verified
// reply carries back.
TEST(Transport, EachQueryHasItsOwnRandomId) {
    FakeDnsServer server(kKey);
    auto query = soa_query();
    std::set<std::uint16_t> ids;
    for (int i = 0; i < 16; ++i) {
        ExchangeOutcome out = exchange_detailed(server.address(), *query, options());
        ASSERT_TRUE(out.ok()) << out.error->error.message;
        ids.insert(ldns_pkt_id(out.reply.get()));
    }
    EXPECT_GE(ids.size(), 12u);  // 16 draws of 16 bits: a repeat or two at most, in practice none
}

}  // namespace
}  // namespace dk::zone
