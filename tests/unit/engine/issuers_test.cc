// Issuer records (issuer_certificates): 2 1 1 beside the keys' 3 1 1 records, added and removed
// with the list through guarded updates, aged before a chain relies on them, and never removed
// while the served chain needs them; a refusal because of a stale record says how to unblock.
#include "engine/issuers.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/planner.h"
#include "engine/transitions.h"
#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;
using std::chrono::hours;

class IssuerRecordsTest : public PlannerFixture {
  protected:
    IssuerRecordsTest() {
        state.next = nxt;
        state.next->published_at = epoch;
        state.switch_not_before = epoch + Seconds{1020};
        serve(cur);
    }

    // Carries out a publish on the observed world: every owner's RRset changes at once.
    void apply_publish(const Action& a) {
        const auto observed = obs.owners;
        for (const auto& c : a.changes) {
            for (std::size_t i = 0; i < obs.owners.size(); ++i) {
                auto& o = obs.owners[i];
                if (o.owner != c.owner) continue;
                EXPECT_EQ(c.expected, observed[i].at_primary);  // guarded by the RRset observed
                if (c.op == ChangeOp::add) o.at_primary.push_back(c.record);
                if (c.op == ChangeOp::remove) std::erase(o.at_primary, c.record);
            }
        }
        state = apply_outcome(state, a, {});
    }

    Bytes r10 = Bytes(32, 0x10);
    Bytes r11 = Bytes(32, 0x11);
};

TEST(IssuerRecord, IsTwoOneOneOfTheSpkiDigest) {
    std::string hex;
    for (int i = 0; i < 32; ++i) hex += "ab";
    EXPECT_EQ(issuer_record(Bytes(32, 0xab)).rdata_text(), "2 1 1 " + hex);
}

TEST_F(IssuerRecordsTest, ListedIssuersArePublishedBesideTheKeysThenMarked) {
    policy.issuer_spki_sha256 = {r10, r11};
    publish_records({record_for(cur), record_for(nxt)});
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    ASSERT_EQ(a.changes.size(), 4u);  // two owners x two issuers, each guarded
    for (const auto& c : a.changes) {
        EXPECT_EQ(c.op, ChangeOp::add);
        EXPECT_EQ(c.record.usage, 2);
    }
    apply_publish(a);
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::issuers_published);
    EXPECT_EQ(a.at, obs.now);
    state = apply_outcome(state, a, {});
    ASSERT_EQ(state.issuers.size(), 2u);
    EXPECT_EQ(state.issuers[0].published_at, obs.now);
    // The full set: 3 1 1 current + next, 2 1 1 for each listed CA.
    EXPECT_EQ(obs.owners[0].at_primary,
              (std::vector<TlsaRecord>{record_for(cur), record_for(nxt), issuer_record(r10),
                                       issuer_record(r11)}));
    EXPECT_EQ(plan().kind, ActionKind::wait);  // steady
}

TEST_F(IssuerRecordsTest, NoListChangesNothing) {
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10)});  // the operator's
    EXPECT_EQ(plan().kind, ActionKind::wait);
}

TEST_F(IssuerRecordsTest, WaitsForPropagationBeforeT1) {
    policy.issuer_spki_sha256 = {r10};
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10)});
    obs.owners[1].propagated = false;
    EXPECT_EQ(plan().kind, ActionKind::wait);
    EXPECT_TRUE(state.issuers.empty());
}

TEST_F(IssuerRecordsTest, RemovingFromTheListRemovesOnlyThatRecordAndKeepsThreeOneOne) {
    policy.issuer_spki_sha256 = {r10};
    state.issuers = {{r10, epoch}, {r11, epoch}};
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10), issuer_record(r11)});
    obs.served_chain_matches = {record_for(cur), issuer_record(r10)};
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    ASSERT_EQ(a.changes.size(), 2u);
    for (const auto& c : a.changes) {
        EXPECT_EQ(c.op, ChangeOp::remove);
        EXPECT_EQ(c.record, issuer_record(r11));
    }
    apply_publish(a);
    EXPECT_EQ(obs.owners[0].at_primary,
              (std::vector<TlsaRecord>{record_for(cur), record_for(nxt), issuer_record(r10)}));
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::forget_issuers);
    state = apply_outcome(state, a, {});
    ASSERT_EQ(state.issuers.size(), 1u);
    EXPECT_EQ(state.issuers[0].spki_sha256, r10);
    EXPECT_EQ(plan().kind, ActionKind::wait);
}

TEST_F(IssuerRecordsTest, EmptyListRemovesEveryIssuerRecordOnlyOnesOwn) {
    state.issuers = {{r10, epoch}};
    const TlsaRecord operators = issuer_record(Bytes(32, 0x77));
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10), operators});
    obs.served_chain_matches = {record_for(cur), issuer_record(r10)};
    // The operator's 2 1 1 matches nothing served: the combination stays unsatisfied whether ours
    // goes or not, so the removal is judged on what it changes.
    obs.served_chain_matches->push_back(operators);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    for (const auto& c : a.changes) EXPECT_EQ(c.record, issuer_record(r10));
}

TEST_F(IssuerRecordsTest, NeverRemovesTheRecordTheServedChainNeeds) {
    policy.issuer_spki_sha256 = {r11};  // r10 left out while the served chain comes from r10
    state.issuers = {{r10, epoch}, {r11, epoch}};
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10), issuer_record(r11)});
    obs.served_chain_matches = {record_for(cur), issuer_record(r10)};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::alert);
    EXPECT_NE(a.reason.find("issuer_certificates"), std::string::npos) << a.reason;
    EXPECT_NE(a.reason.find("danekeeper rollover start mx"), std::string::npos) << a.reason;
}

TEST_F(IssuerRecordsTest, ARenewalDoesNotRelyOnAYoungIssuerRecord) {
    policy.issuer_spki_sha256 = {r10, r11};
    state.issuers = {{r10, epoch}, {r11, obs.now - Seconds{60}}};  // r11 just added
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10), issuer_record(r11)});
    state.current_cert_not_after = obs.now + hours(24 * 10);
    state.renewal_cert_not_after = obs.now + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur), issuer_record(r11)};
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait) << a.reason;
    // t1 + 2 x TTLmax (60 s) + margin (900 s)
    EXPECT_EQ(a.at, obs.now - Seconds{60} + Seconds{2 * 60 + 900});
    obs.now = a.at;
    EXPECT_EQ(plan().kind, ActionKind::deploy);
}

TEST_F(IssuerRecordsTest, ARenewalFromAnAgedIssuerGoesAhead) {
    policy.issuer_spki_sha256 = {r10, r11};
    state.issuers = {{r10, epoch}, {r11, obs.now - Seconds{60}}};
    publish_records({record_for(cur), record_for(nxt), issuer_record(r10), issuer_record(r11)});
    state.current_cert_not_after = obs.now + hours(24 * 10);
    state.renewal_cert_not_after = obs.now + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur), issuer_record(r10)};
    EXPECT_EQ(plan().kind, ActionKind::deploy);
}

TEST_F(IssuerRecordsTest, AReAddedIssuerRecordAgesAgain) {
    policy.issuer_spki_sha256 = {r10};
    state.issuers = {{r10, epoch}};
    publish_records({record_for(cur), record_for(nxt)});  // someone removed it
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    apply_publish(a);
    ASSERT_EQ(state.issuers.size(), 1u);
    EXPECT_FALSE(state.issuers[0].published_at);
}

// A stale 2 1 1 (the CA moved to a new intermediate) makes the renewed chain miss a published
// combination: the renewal is refused, and the refusal says what to change.
TEST_F(IssuerRecordsTest, RefusedRenewalSaysHowToUnblock) {
    const TlsaRecord stale = issuer_record(Bytes(32, 0x42));
    publish_records({record_for(cur), record_for(nxt), stale});
    state.current_cert_not_after = obs.now + hours(24 * 10);
    state.renewal_cert_not_after = obs.now + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur)};
    // The fix line is a command to paste: the zone's own primary and key, no placeholders.
    policy.publish_command =
        "danekeeper publish --zone example.net. --server 192.0.2.53:53 --tsig-key /etc/dk/t.key";
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::alert);
    EXPECT_NE(a.reason.find("issuer_certificates of slot mx"), std::string::npos) << a.reason;
    EXPECT_NE(a.reason.find("or remove the stale record: " + policy.publish_command +
                            " --remove \"" + mx1 + " TLSA " + stale.rdata_text() + "\""),
              std::string::npos)
        << a.reason;
    // A signed-file zone: the record goes from the unsigned file.
    policy.publish_command.clear();
    const Action b = plan();
    EXPECT_NE(b.reason.find("remove the stale record from the zone's unsigned file: " + mx1 +
                            " TLSA " + stale.rdata_text()),
              std::string::npos)
        << b.reason;
}

TEST_F(IssuerRecordsTest, RefusedDeployOfNextSaysHowToUnblock) {
    const TlsaRecord stale = issuer_record(Bytes(32, 0x42));
    publish_records({record_for(cur), record_for(nxt), stale});
    state.phase = Phase::rolling;
    state.switch_not_before = epoch + Seconds{1020};
    state.next_cert_not_after = obs.now + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::alert);
    EXPECT_NE(a.reason.find("fix: add the certificate of the CA"), std::string::npos) << a.reason;
}

}  // namespace
}  // namespace dk::engine
