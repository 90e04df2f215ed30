// The planner step by step through a planned rollover, and each refusal on the way.
#include "engine/planner.h"

#include <gtest/gtest.h>

#include "engine/transitions.h"
#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;
using std::chrono::hours;

using PlannerTest = PlannerFixture;

TEST_F(PlannerTest, NoCurrentKeyIsAnAlert) {
    state.current.reset();
    EXPECT_EQ(plan().kind, ActionKind::alert);
}

TEST_F(PlannerTest, GeneratesNextWhenMissing) {
    publish_records({record_for(cur)});
    serve(cur);
    EXPECT_EQ(plan().kind, ActionKind::generate_next_key);
}

TEST_F(PlannerTest, PublishesNextGuardedByObservedRrset) {
    state.next = nxt;
    publish_records({record_for(cur)});
    serve(cur);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    ASSERT_EQ(a.changes.size(), 2u);
    for (const auto& c : a.changes) {
        EXPECT_EQ(c.op, ChangeOp::add);
        EXPECT_EQ(c.record, record_for(nxt));
        EXPECT_EQ(c.expected, std::vector<TlsaRecord>{record_for(cur)});
    }
}

TEST_F(PlannerTest, AdoptionPublishesCurrentAndNextWhereNothingIs) {
    state.next = nxt;
    publish_records({});
    serve(cur);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    EXPECT_EQ(a.changes.size(), 4u);
}

TEST_F(PlannerTest, OperatorRecordsAreNeverRemoved) {
    const TlsaRecord operator_ta{2, 1, 1, Bytes(32, 0x77)};
    state.next = nxt;
    publish_records({record_for(cur), operator_ta});
    serve(cur);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish);
    for (const auto& c : a.changes) EXPECT_EQ(c.op, ChangeOp::add);
}

TEST_F(PlannerTest, WaitsForPropagationBeforeT1) {
    state.next = nxt;
    publish_records({record_for(cur), record_for(nxt)}, /*propagated=*/false);
    serve(cur);
    const Action a = plan();
    EXPECT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, obs.now + policy.propagation_poll);
}

TEST_F(PlannerTest, APropagationWaitNamesTheServersItWaitsFor) {
    // An NS name that cannot be resolved and an address that does not answer: the wait says so,
    // each once although both owners lag on them.
    state.next = nxt;
    publish_records({record_for(cur), record_for(nxt)}, /*propagated=*/false);
    for (auto& o : obs.owners) {
        o.lagging = {
            "NS ns1.provider.test. cannot be resolved: does not exist (validated NXDOMAIN)",
            "[::1]:53 (IPv6, NS ns1.provider.test.): timeout"};
    }
    serve(cur);
    const Action a = plan();
    EXPECT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.reason,
              "waiting until every authoritative server serves the records, validated; waiting "
              "for: NS ns1.provider.test. cannot be resolved: does not exist (validated NXDOMAIN); "
              "[::1]:53 (IPv6, NS ns1.provider.test.): timeout");
}

// The parent's DS does not validate: the wait for validation becomes an alert that says why.
TEST_F(PlannerTest, BrokenChainOfTrustTurnsTheWaitIntoAnAlertNamingIt) {
    state.next = nxt;
    publish_records({record_for(cur), record_for(nxt)}, /*propagated=*/false);
    serve(cur);
    obs.trust_problems = {"the parent's DS matches no KSK; fix: put the KSK's DS at the parent"};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::alert);
    EXPECT_NE(a.reason.find("nothing validates: the parent's DS matches no KSK; fix: put"),
              std::string::npos)
        << a.reason;
    EXPECT_NE(a.reason.find("(meanwhile: waiting until every authoritative server"),
              std::string::npos)
        << a.reason;
    EXPECT_EQ(a.at, obs.now + policy.retry);
}

// The steady state alerts too (the records validated once, not any more), and a step that needs
// no validation (a publish) still goes ahead.
TEST_F(PlannerTest, BrokenChainOfTrustAlertsInTheSteadyStateButLetsAPublishThrough) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    obs.trust_problems = {"a parent server does not answer"};
    EXPECT_EQ(plan().kind, ActionKind::alert);
    publish_records({record_for(cur)});
    EXPECT_EQ(plan().kind, ActionKind::publish);
}

TEST_F(PlannerTest, MarksT1ThenSetsSwitchTimeFromTtlAndMargin) {
    state.next = nxt;
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::mark_published);
    state = apply_outcome(state, a, {});
    ASSERT_EQ(state.next->published_at, obs.now);
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::set_switch_time);
    EXPECT_EQ(a.at, obs.now + Seconds{2 * 60 + 900});
}

TEST_F(PlannerTest, SwitchTimeNeverShortens) {
    state.next = nxt;
    state.next->published_at = obs.now;
    state.switch_not_before = obs.now + hours(5);
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    const Action a = plan();  // computed safe time is earlier than stored: keep the stored one
    EXPECT_NE(a.kind, ActionKind::set_switch_time);
    SlotState later =
        apply_outcome(state, Action{ActionKind::set_switch_time, "", true, obs.now, {}}, {});
    EXPECT_EQ(later.switch_not_before, obs.now + hours(5));
}

TEST_F(PlannerTest, LongerTtlMovesSwitchLater) {
    state.next = nxt;
    state.next->published_at = obs.now;
    state.switch_not_before = obs.now + Seconds{1020};
    publish_records({record_for(cur), record_for(nxt)});
    obs.owners[1].ttl_max = Seconds{3600};
    serve(cur);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::set_switch_time);
    EXPECT_EQ(a.at, obs.now + Seconds{7200 + 900});
}

class RollingTest : public PlannerTest {
  protected:
    RollingTest() {
        state.next = nxt;
        state.next->published_at = epoch;
        state.switch_not_before = epoch + Seconds{1020};
        state.phase = Phase::rolling;
        publish_records({record_for(cur), record_for(nxt)});
        serve(cur);
    }
};

TEST_F(RollingTest, GetsTheCertificateEarlyThenWaitsUntilSwitchTime) {
    obs.now = epoch + Seconds{1000};
    ASSERT_EQ(plan().kind, ActionKind::request_certificate);
    state.next_cert_not_after = epoch + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, epoch + Seconds{1020});
}

TEST_F(RollingTest, RequestsCertificateForNextThenDeploys) {
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::request_certificate);
    EXPECT_TRUE(a.for_next);
    state = apply_outcome(state, a, {.new_key = {}, .cert_not_after = epoch + hours(24 * 90)});
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::deploy);
    EXPECT_TRUE(a.for_next);
}

TEST_F(RollingTest, RefusesDeployWhenChainBreaksAPublishedCombination) {
    const TlsaRecord pinned_ca{2, 1, 1, Bytes(32, 0x55)};
    publish_records({record_for(cur), record_for(nxt), pinned_ca});
    state.next_cert_not_after = epoch + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};  // issued by another CA
    EXPECT_EQ(plan().kind, ActionKind::alert);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt), pinned_ca};
    EXPECT_EQ(plan().kind, ActionKind::deploy);
}

TEST_F(RollingTest, RefusesDeployWhenNextIsNotServedEverywhere) {
    state.next_cert_not_after = epoch + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    publish_records({record_for(cur), record_for(nxt)}, /*propagated=*/false);
    EXPECT_EQ(plan().kind, ActionKind::wait);
    publish_records({record_for(cur)});
    const Action a = plan();
    EXPECT_EQ(a.kind, ActionKind::publish);
    state = apply_outcome(state, a, {});
    EXPECT_FALSE(state.next->published_at.has_value());  // re-published: its age starts again
}

TEST_F(RollingTest, CompletesOnlyWhenEveryEndpointPresentsNext) {
    state.next_cert_not_after = epoch + hours(24 * 90);
    state.next_deployed = true;
    obs.endpoints = {serving("mx1:25", nxt), serving("mx2:25", cur)};
    Action a = plan();
    EXPECT_EQ(a.kind, ActionKind::deploy);  // mx2 still on the old key: reload again
    obs.endpoints = {serving("mx1:25", nxt), unreachable("mx2:25")};
    EXPECT_EQ(plan().kind, ActionKind::alert);
    obs.endpoints = {serving("mx1:25", nxt), serving("mx2:25", nxt, /*dane_ok=*/false)};
    EXPECT_EQ(plan().kind, ActionKind::alert);
    obs.endpoints = {serving("mx1:25", nxt), serving("mx2:25", nxt)};
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::complete_switch);
    state = apply_outcome(state, a, {});
    EXPECT_EQ(state.current->spki_sha256, nxt.spki_sha256);
    EXPECT_EQ(state.previous->spki_sha256, cur.spki_sha256);
    EXPECT_FALSE(state.next.has_value());
    EXPECT_EQ(state.phase, Phase::steady);
}

// The old record leaves as soon as no endpoint presents the old key: the retirement does not
// wait for a key generation; the fresh next key follows once the previous one is cleared.
TEST_F(RollingTest, RetiresPreviousWithoutWaitingForAFreshNextKey) {
    state = apply_outcome(state, Action{ActionKind::complete_switch, "", false, {}, {}}, {});
    serve(nxt);
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish) << a.reason;
    ASSERT_EQ(a.changes.size(), 2u);  // per owner: remove the old current, nothing added
    for (const auto& c : a.changes) {
        EXPECT_EQ(c.op, ChangeOp::remove);
        EXPECT_EQ(c.record, record_for(cur));
    }
    publish_records({record_for(nxt)});
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::clear_previous) << a.reason;
    state = apply_outcome(state, a, {});
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::generate_next_key) << a.reason;
    const SlotKey fresh = key(3);
    state = apply_outcome(state, a, {.new_key = fresh, .cert_not_after = {}});
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish) << a.reason;
    ASSERT_EQ(a.changes.size(), 2u);  // per owner: add the fresh next
    for (const auto& c : a.changes) {
        EXPECT_EQ(c.op, ChangeOp::add);
        EXPECT_EQ(c.record, record_for(fresh));
    }
}

// A next key made before the retirement (a run stopped after its generation) goes in the same
// update as the retirement.
TEST_F(RollingTest, RetiresPreviousAndPublishesANextKeyAlreadyMade) {
    state = apply_outcome(state, Action{ActionKind::complete_switch, "", false, {}, {}}, {});
    state.next = key(3);
    serve(nxt);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish) << a.reason;
    ASSERT_EQ(a.changes.size(), 4u);  // per owner: remove old current, add next
    int removes = 0;
    for (const auto& c : a.changes) {
        if (c.op == ChangeOp::remove) {
            ++removes;
            EXPECT_EQ(c.record, record_for(cur));
        } else {
            EXPECT_EQ(c.record, record_for(key(3)));
        }
    }
    EXPECT_EQ(removes, 2);
}

TEST_F(RollingTest, RetiresNothingWhileResolversMayHoldTheRrsetsASharedOwnersLinkReplaced) {
    state = apply_outcome(state, Action{ActionKind::complete_switch, "", false, {}, {}}, {});
    state.next = key(3);
    serve(nxt);
    obs.removals_not_before = obs.now + Seconds{600};
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait) << a.reason;
    EXPECT_EQ(a.at, obs.now + Seconds{600});
    obs.now += Seconds{600};
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::publish) << a.reason;
    EXPECT_EQ(a.changes.front().op, ChangeOp::remove);
}

TEST_F(RollingTest, NeverRetiresAKeyThatMightStillBeServed) {
    state = apply_outcome(state, Action{ActionKind::complete_switch, "", false, {}, {}}, {});
    state.next = key(3);
    obs.endpoints = {serving("mx1:25", nxt), serving("mx2:25", cur)};
    EXPECT_EQ(plan().kind, ActionKind::alert);
    obs.endpoints = {serving("mx1:25", nxt), unreachable("mx2:25")};
    EXPECT_EQ(plan().kind, ActionKind::alert);
}

TEST_F(PlannerTest, UnknownServedKeyBlocksEveryChange) {
    state.next = nxt;
    publish_records({record_for(cur)});
    obs.endpoints = {serving("mx1:25", cur), serving("mx2:25", key(9))};
    EXPECT_EQ(plan().kind, ActionKind::alert);
}

// MTA-STS in enforce mode (RFC 8461 section 4.2): a chain senders would refuse is never
// deployed; the alert names the endpoint and the fix, and the wait goes on at the retry time.
TEST_F(RollingTest, RefusesDeployWhileSendersWouldRefuseTheChain) {
    state.next_cert_not_after = epoch + hours(24 * 90);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    obs.pending_chain_refusals = {
        "mx1.example.net:25: example.net's MTA-STS policy is enforce and the chain does not "
        "verify to the WebPKI roots; fix: a WebPKI certificate, or mta_sts_mode = \"testing\""};
    const Action refused = plan();
    ASSERT_EQ(refused.kind, ActionKind::alert);
    EXPECT_EQ(refused.at, obs.now + policy.retry);
    EXPECT_NE(refused.reason.find("refusing to deploy the next chain: mx1.example.net:25"),
              std::string::npos)
        << refused.reason;
    EXPECT_EQ(refused.reason.find('\n'), std::string::npos);
    obs.now += hours(1);  // still refused later: nothing ages a refusal away
    EXPECT_EQ(plan().kind, ActionKind::alert);
    obs.pending_chain_refusals.clear();  // mode testing, or a WebPKI chain
    const Action deploy = plan();
    EXPECT_EQ(deploy.kind, ActionKind::deploy);
    EXPECT_TRUE(deploy.for_next);
}

TEST_F(PlannerTest, RenewalIsRefusedWhileSendersWouldRefuseTheChain) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    state.current_cert_not_after = obs.now + hours(24 * 10);
    state.renewal_cert_not_after = obs.now + hours(24 * 90);
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur)};
    obs.pending_chain_refusals = {"mx1.example.net:25: not WebPKI-valid"};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::alert);
    EXPECT_NE(a.reason.find("renewal: refusing to deploy"), std::string::npos) << a.reason;
    obs.pending_chain_refusals.clear();
    EXPECT_EQ(plan().kind, ActionKind::deploy);
}

TEST_F(PlannerTest, RenewalKeepsTheKeyAndChangesNoDns) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    state.current_cert_not_after = obs.now + hours(24 * 10);
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::request_certificate);
    EXPECT_FALSE(a.for_next);
    state = apply_outcome(state, a, {.new_key = {}, .cert_not_after = obs.now + hours(24 * 90)});
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur)};
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::deploy);
    EXPECT_FALSE(a.for_next);
    state = apply_outcome(state, a, {});
    EXPECT_EQ(state.current_cert_not_after, obs.now + hours(24 * 90));
    EXPECT_EQ(state.current, cur);
}

// ACME renewal information (RFC 9773): the CA's time decides, earlier or later than
// renew_before would.
TEST_F(PlannerTest, AriTimeDecidesTheRenewal) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    // Far from renew_before, but the CA asks for renewal now (say, a revocation is coming).
    obs.renew_at = obs.now - Seconds{1};
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::request_certificate);
    EXPECT_FALSE(a.for_next);
    // Not yet: the steady state sleeps until the CA's time, not renew_before's.
    obs.renew_at = obs.now + hours(5);
    a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, std::min(obs.now + policy.recheck, *obs.renew_at));
    // renew_before says due, the CA's window is later: wait for the window.
    state.current_cert_not_after = obs.now + hours(24 * 10);
    obs.renew_at = obs.now + hours(24 * 2);
    EXPECT_EQ(plan().kind, ActionKind::wait);
    obs.renew_at.reset();
    EXPECT_EQ(plan().kind, ActionKind::request_certificate);
}

TEST_F(PlannerTest, SteadyStateSleepsUntilTheNextDueTime) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, obs.now + policy.recheck);
}

TEST_F(PlannerTest, AgeTriggersRollover) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    obs.now = epoch + policy.rollover_every;
    EXPECT_EQ(plan().kind, ActionKind::request_certificate);
}

TEST_F(PlannerTest, EmergencySwitchesAsSoonAsSafe) {
    state.next = nxt;
    state.next->published_at = epoch;
    state.switch_not_before = epoch + Seconds{1020};
    state.emergency = true;
    publish_records({record_for(cur), record_for(nxt)});
    serve(cur);
    EXPECT_EQ(plan().kind, ActionKind::request_certificate);
}

// certificates = "hook": the ACME client brings certificates; the engine waits, never asks.
TEST_F(RollingTest, HookModeWaitsForTheNextKeysCertificateThenDeploysIt) {
    policy.certificates_delivered = true;
    obs.now = epoch + Seconds{2000};
    Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, obs.now + policy.recheck);
    EXPECT_NE(a.reason.find("hook csr mx --next"), std::string::npos);
    state.next_cert_not_after = epoch + hours(24 * 90);  // delivered
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(nxt)};
    a = plan();
    EXPECT_EQ(a.kind, ActionKind::deploy);
    EXPECT_TRUE(a.for_next);
}

class SteadyHookTest : public PlannerTest {
  protected:
    SteadyHookTest() {
        policy.certificates_delivered = true;
        state.next = nxt;
        state.next->published_at = epoch;
        state.switch_not_before = epoch + Seconds{1020};
        publish_records({record_for(cur), record_for(nxt)});
        serve(cur);
    }
};

TEST_F(SteadyHookTest, DueRenewalWaitsWithoutATightLoop) {
    obs.now = *state.current_cert_not_after - policy.renew_before + Seconds{10};
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, obs.now + policy.recheck);
    EXPECT_NE(a.reason.find("renewal due"), std::string::npos);
}

TEST_F(SteadyHookTest, DueRenewalStillAlertsOnAMismatchingEndpoint) {
    obs.now = *state.current_cert_not_after - policy.renew_before + Seconds{10};
    obs.endpoints = {serving("mx1:25", cur), serving("mx2:25", key(7), false)};
    EXPECT_EQ(plan().kind, ActionKind::alert);
}

TEST_F(SteadyHookTest, DeliveredRenewalIsDeployed) {
    obs.now = *state.current_cert_not_after - policy.renew_before + Seconds{10};
    state.renewal_cert_not_after = epoch + hours(24 * 170);
    obs.pending_chain_matches = std::vector<TlsaRecord>{record_for(cur)};
    const Action a = plan();
    EXPECT_EQ(a.kind, ActionKind::deploy);
    EXPECT_FALSE(a.for_next);
}

TEST_F(SteadyHookTest, NotDueSleepsUntilRenewalTime) {
    const Action a = plan();
    ASSERT_EQ(a.kind, ActionKind::wait);
    EXPECT_EQ(a.at, std::min(obs.now + policy.recheck,
                             *state.current_cert_not_after - policy.renew_before));
}

}  // namespace
}  // namespace dk::engine
