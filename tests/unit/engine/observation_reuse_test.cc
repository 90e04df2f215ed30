// The runner looks at the world again only when a step may have changed it (engine/runner.h
// world_view_reuse_limit): a key made, a certificate obtained or a record-keeping step plan on
// the observation taken before them, brought up to the clock and the vault, while it is young.
#include <gtest/gtest.h>

#include <algorithm>

#include "engine/runner.h"
#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;
using std::chrono::hours;

// What the primary and every server serve; counts the observations.
class ServedOwners final : public DnsView {
  public:
    Result<std::vector<OwnerView>> observe(const std::vector<std::string>& owners) override {
        ++observations;
        std::vector<OwnerView> views;
        for (const auto& o : owners) views.push_back(owner(o, served));
        return views;
    }
    Status await_propagation(const std::vector<std::string>&, Seconds) override { return {}; }
    std::vector<TlsaRecord> served;
    int observations = 0;
};

class ApplyingPublisher final : public DnsPublisher {
  public:
    explicit ApplyingPublisher(ServedOwners& dns) : dns_(dns) {}
    Result<std::string> publish(const std::vector<TlsaChange>& changes) override {
        for (const auto& c : changes) {
            if (c.op == ChangeOp::add) dns_.served.push_back(c.record);
            if (c.op == ChangeOp::remove) std::erase(dns_.served, c.record);
        }
        return std::string("applied");
    }
    Result<OwnerPreparation> prepare_owners(const std::vector<std::string>&, TimePoint,
                                            bool) override {
        return OwnerPreparation{};
    }

  private:
    ServedOwners& dns_;
};

// Every endpoint presents key 1, DANE-valid where its record is published.
class CountingProber final : public EndpointProber {
  public:
    std::vector<EndpointView> probe(const std::vector<Endpoint>& endpoints,
                                    const std::vector<OwnerView>& published) override {
        ++probes;
        const bool matched = std::all_of(published.begin(), published.end(), [](const auto& o) {
            return contains(o.at_primary, record_for(key(1)));
        });
        std::vector<EndpointView> views;
        for (const auto& ep : endpoints) views.push_back(serving(ep.to_string(), key(1), matched));
        return views;
    }
    int probes = 0;
};

// Makes key 2 in `keygen_takes` of the clock, issues certificates at once; counts what it is
// asked about the chains.
class TimedVault final : public KeyVault {
  public:
    explicit TimedVault(FakeClock& clock) : clock_(clock) {}
    Result<SlotKey> generate_key(const std::string&, TimePoint now) override {
        clock_.advance(keygen_takes);
        clock_.jump_wall(wall_jump);
        return key(2, now);
    }
    Result<ObtainedCertificate> obtain_certificate(const std::string&, const SlotKey&) override {
        return ObtainedCertificate{epoch + hours(24 * 90), "CN=Test CA"};
    }
    Result<std::vector<TlsaRecord>> chain_matches(
        const std::string&, const SlotKey&, const std::vector<TlsaRecord>& published) override {
        ++chain_questions;
        return published;
    }
    Status deploy(const std::string&, const SlotKey&) override { return {}; }
    std::chrono::system_clock::duration keygen_takes = std::chrono::milliseconds(300);
    std::chrono::system_clock::duration wall_jump{};
    int chain_questions = 0;

  private:
    FakeClock& clock_;
};

class Store final : public StateStore {
  public:
    Result<std::optional<SlotState>> load(const std::string&) override { return state; }
    Status save(const SlotState& saved, const std::string& kind, const std::string&) override {
        state = saved;
        kinds.push_back(kind);
        return {};
    }
    Status record_event(const std::string&, const std::string& kind, const std::string&) override {
        kinds.push_back(kind);
        return {};
    }
    std::optional<SlotState> state;
    std::vector<std::string> kinds;
};

// An adopted slot: a current key served and published, no next key yet.
class ObservationReuseTest : public ::testing::Test {
  protected:
    ObservationReuseTest() {
        SlotState s;
        s.slot = "mx";
        s.current = key(1, epoch - hours(24));
        s.current_cert_not_after = epoch + hours(24 * 60);
        store.state = s;
        dns.served = {record_for(*s.current)};
        setup.slot = "mx";
        setup.endpoints = {Endpoint{"mx1.example.test", 25}};
        setup.policy.margin = Seconds{900};
        setup.policy.renew_before = hours(24 * 30);
        setup.policy.rollover_every = hours(24 * 365);
    }
    Ports ports() { return Ports{dns, publisher, prober, vault, store, clock}; }
    RunReport run() {
        auto p = ports();
        auto report = run_slot(setup, p, RunMode::apply);
        EXPECT_TRUE(report.ok()) << report.error().message;
        return report.ok() ? *report : RunReport{};
    }

    FakeClock clock{epoch};
    ServedOwners dns;
    ApplyingPublisher publisher{dns};
    CountingProber prober;
    TimedVault vault{clock};
    Store store;
    SlotSetup setup;
};

TEST_F(ObservationReuseTest, OnlyAPublishMakesTheRunLookAtTheWorldAgain) {
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::wait) << report.final_action.reason;
    const std::vector<std::string> steps{"generate_next_key", "publish", "mark_published",
                                         "set_switch_time"};
    EXPECT_EQ(store.kinds, steps);
    // Once before the key generation, once after the publish; five times before this change.
    EXPECT_EQ(dns.observations, 2);
    // The publish added the next key's record, which no endpoint presents: no verdict changed,
    // so the plan after it took the handshakes of the one before.
    EXPECT_EQ(prober.probes, 1);
    // The vault is asked at every plan: the chains it knows change with the steps.
    EXPECT_EQ(vault.chain_questions, 5);
    // t1 is the time of the observation that saw the record everywhere, not an older one.
    ASSERT_TRUE(store.state->next && store.state->next->published_at);
    EXPECT_EQ(*store.state->next->published_at, clock.now());
}

// A publish that adds the record of the key the endpoints present (the first one after adopt)
// may make their verdicts true: t1 is found without handshakes, and the alert the old verdicts
// would raise (not DANE-valid) makes the run look at the endpoints again instead.
TEST_F(ObservationReuseTest, AVerdictThePublishMayHaveImprovedIsSeenAgainBeforeAnAlert) {
    dns.served.clear();
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::wait) << report.final_action.reason;
    const std::vector<std::string> steps{"generate_next_key", "publish", "mark_published",
                                         "set_switch_time"};
    EXPECT_EQ(store.kinds, steps);
    EXPECT_EQ(dns.observations, 3);
    EXPECT_EQ(prober.probes, 2);
}

// While rolling, the verdicts decide nothing before the switch: no handshake after the publish.
TEST_F(ObservationReuseTest, ARollingSlotFindsItsSwitchTimeWithoutHandshakesAfterThePublish) {
    dns.served.clear();
    store.state->phase = Phase::rolling;
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::wait) << report.final_action.reason;
    EXPECT_EQ(prober.probes, 1);
    ASSERT_TRUE(store.state->switch_not_before);
}

TEST_F(ObservationReuseTest, AnObservationOlderThanTheLimitIsNotReused) {
    vault.keygen_takes = world_view_reuse_limit + Seconds{1};
    run();
    EXPECT_EQ(dns.observations, 3);
    // The handshakes made after the key generation stand for the plan after the publish.
    EXPECT_EQ(prober.probes, 2);
}

TEST_F(ObservationReuseTest, AClockSetBackMakesTheRunLookAgain) {
    vault.wall_jump = -Seconds{5};
    run();
    EXPECT_EQ(dns.observations, 3);
}

// A key generation left to the caller carries what its plan saw: the run goes on from it.
TEST_F(ObservationReuseTest, ADeferredKeyGenerationPlansItsPublishWithoutLookingAgain) {
    auto p = ports();
    auto report = run_slot(setup, p, RunMode::apply, {}, default_max_steps, true);
    ASSERT_TRUE(report.ok() && report->deferred);
    EXPECT_EQ(report->final_action.kind, ActionKind::generate_next_key);
    const auto outcome = execute_step(setup, p, report->final_action, report->state);
    auto finished = finish_step(setup, p, std::move(*report), outcome);
    ASSERT_TRUE(finished.ok() && finished->deferred) << finished.error().message;
    EXPECT_EQ(finished->final_action.kind, ActionKind::publish);
    EXPECT_EQ(dns.observations, 1);
}

// A publish left to the caller: its round takes `round`; the plan after it finds t1.
class DeferredPublishRound : public ObservationReuseTest {
  protected:
    Result<RunReport> publish_after(std::chrono::system_clock::duration round) {
        auto p = ports();
        auto report = run_slot(setup, p, RunMode::apply, {}, default_max_steps, true);
        if (!report.ok()) return report;
        const auto made = execute_step(setup, p, report->final_action, report->state);
        report = finish_step(setup, p, std::move(*report), made);
        if (!report.ok()) return report;
        EXPECT_EQ(report->final_action.kind, ActionKind::publish);
        clock.advance(round);  // the round's other slots
        const auto sent = publisher.publish(report->final_action.changes);
        return finish_publish(setup, p, std::move(*report), sent);
    }
};

TEST_F(DeferredPublishRound, TheHandshakesBeforeAPublishStandForThePlanAfterIt) {
    auto finished = publish_after(Seconds{3});
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    ASSERT_TRUE(store.state->next && store.state->next->published_at);
    EXPECT_EQ(dns.observations, 2);
    EXPECT_EQ(prober.probes, 1);
    // t1 is the time of the DNS answers after the publish.
    EXPECT_EQ(*store.state->next->published_at, clock.now());
}

TEST_F(DeferredPublishRound, HandshakesOlderThanTheLimitAreMadeAgain) {
    auto finished = publish_after(world_view_reuse_limit + Seconds{1});
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    EXPECT_EQ(dns.observations, 2);
    EXPECT_EQ(prober.probes, 2);
}

// The next key aged for a minute of the hour it needs; its certificate is to be requested.
class DeferredCertificateTest : public ObservationReuseTest {
  protected:
    DeferredCertificateTest() {
        SlotKey next = key(2, epoch - hours(1));
        next.published_at = epoch - Seconds{60};
        store.state->next = next;
        store.state->switch_not_before = epoch + hours(1);
        store.state->phase = Phase::rolling;
        dns.served = {record_for(*store.state->current), record_for(next)};
    }
    // Runs to the deferred certificate request, lets `round` pass, then finishes it.
    Result<RunReport> request_after(std::chrono::system_clock::duration round) {
        auto p = ports();
        auto report = run_slot(setup, p, RunMode::apply, {}, default_max_steps, true);
        if (!report.ok()) return report;
        EXPECT_TRUE(report->deferred);
        EXPECT_EQ(report->final_action.kind, ActionKind::request_certificate);
        clock.advance(round);  // the round's other slots
        const auto outcome = execute_step(setup, p, report->final_action, report->state);
        return finish_step(setup, p, std::move(*report), outcome);
    }
};

TEST_F(DeferredCertificateTest, TheRunGoesOnFromWhatItsPlanSaw) {
    auto finished = request_after(Seconds{3});
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    EXPECT_EQ(finished->final_action.kind, ActionKind::wait) << finished->final_action.reason;
    EXPECT_EQ(dns.observations, 1);
}

TEST_F(DeferredCertificateTest, ARoundLongerThanTheLimitMakesTheRunLookAgain) {
    auto finished = request_after(world_view_reuse_limit + Seconds{1});
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    EXPECT_EQ(finished->final_action.kind, ActionKind::wait) << finished->final_action.reason;
    EXPECT_EQ(dns.observations, 2);
}

TEST(EndpointVerdictsAfter, ThreeOneOneRecordsOfKeysNotPresentedChangeNone) {
    const std::vector<EndpointView> endpoints{serving("mx1:25", key(1)), unreachable("mx2:25")};
    const auto change = [](TlsaRecord r, ChangeOp op = ChangeOp::add) {
        return std::vector<TlsaChange>{{"_25._tcp.mx1.example.test.", op, std::move(r), {}}};
    };
    EXPECT_EQ(endpoint_verdicts_after(change(record_for(key(2))), endpoints),
              VerdictsAfter::unchanged);
    EXPECT_EQ(endpoint_verdicts_after(change(record_for(key(2)), ChangeOp::remove), endpoints),
              VerdictsAfter::unchanged);
    EXPECT_EQ(endpoint_verdicts_after({}, endpoints), VerdictsAfter::unchanged);
    // The presented key's own record: added, a verdict can only become true; removed, unknown.
    auto both = change(record_for(key(2)));
    both.push_back(change(record_for(key(1))).front());
    EXPECT_EQ(endpoint_verdicts_after(both, endpoints), VerdictsAfter::may_improve);
    EXPECT_EQ(endpoint_verdicts_after(change(record_for(key(1)), ChangeOp::remove), endpoints),
              VerdictsAfter::unknown);
    // Records that can match through the chain or by another digest: not accounted for.
    TlsaRecord issuer = record_for(key(2));
    issuer.usage = tlsa::usage_dane_ta;
    EXPECT_EQ(endpoint_verdicts_after(change(issuer), endpoints), VerdictsAfter::unknown);
    TlsaRecord sha512 = record_for(key(2));
    sha512.mtype = tlsa::mtype_sha512;
    EXPECT_EQ(endpoint_verdicts_after(change(sha512), endpoints), VerdictsAfter::unknown);
    TlsaRecord full = record_for(key(2));
    full.selector = tlsa::selector_cert;
    EXPECT_EQ(endpoint_verdicts_after(change(full), endpoints), VerdictsAfter::unknown);
    // A handshake that completed without telling its key.
    EndpointView unknown = serving("mx1:465", key(1));
    unknown.leaf_spki_sha256.reset();
    EXPECT_EQ(endpoint_verdicts_after(change(record_for(key(2))), {unknown}),
              VerdictsAfter::unknown);
}

TEST(LeftToTheCaller, PublishesCertificateRequestsAndKeyGenerations) {
    for (int k = 0; k <= static_cast<int>(ActionKind::wait); ++k) {
        const auto kind = static_cast<ActionKind>(k);
        EXPECT_EQ(left_to_the_caller(kind), kind == ActionKind::publish ||
                                                kind == ActionKind::request_certificate ||
                                                kind == ActionKind::generate_next_key)
            << to_string(kind);
    }
}

TEST(LeavesTheWorldAsSeen, OnlyPublishAndDeployChangeWhatIsServed) {
    for (int k = 0; k <= static_cast<int>(ActionKind::wait); ++k) {
        const auto kind = static_cast<ActionKind>(k);
        const bool changes_served = kind == ActionKind::publish || kind == ActionKind::deploy ||
                                    kind == ActionKind::alert || kind == ActionKind::wait;
        EXPECT_EQ(leaves_the_world_as_seen(kind), !changes_served) << to_string(kind);
    }
}

}  // namespace
}  // namespace dk::engine
