// The shipped TLSA loop (engine/runner.h) against fake ports: what a run stores when it stops at
// an alert or a wait.
#include "engine/runner.h"

#include <gtest/gtest.h>

#include "engine/safety.h"
#include "engine/transitions.h"
#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;
using std::chrono::hours;

SlotKey current_key() {
    return key(1, epoch - hours(24));
}

SlotKey next_key() {
    SlotKey k = key(2, epoch - hours(24));
    k.published_at = epoch - hours(23);
    return k;
}

class ServedRecords final : public DnsView {
  public:
    Result<std::vector<OwnerView>> observe(const std::vector<std::string>& owners) override {
        std::vector<OwnerView> views;
        for (const auto& o : owners)
            views.push_back(owner(o, {record_for(current_key()), record_for(next_key())}));
        return views;
    }
    Status await_propagation(const std::vector<std::string>&, Seconds) override { return {}; }
};

class NoPublisher final : public DnsPublisher {
  public:
    Result<std::string> publish(const std::vector<TlsaChange>&) override {
        return Error::environment("nothing is to be published in these tests");
    }
    // The owners' preparations in turn (a shared owner's link), then ready.
    Result<OwnerPreparation> prepare_owners(const std::vector<std::string>&, TimePoint,
                                            bool apply) override {
        applied.push_back(apply);
        if (preparations.empty()) return OwnerPreparation{};
        OwnerPreparation next = preparations.front();
        preparations.erase(preparations.begin());
        return next;
    }
    std::vector<OwnerPreparation> preparations;
    std::vector<bool> applied;
};

// Every endpoint presents the current key; DANE verifies or not, as the test says.
class CurrentKeyProber final : public EndpointProber {
  public:
    std::vector<EndpointView> probe(const std::vector<Endpoint>& endpoints,
                                    const std::vector<OwnerView>&) override {
        std::vector<EndpointView> views;
        for (const auto& ep : endpoints)
            views.push_back(serving(ep.to_string(), current_key(), dane_ok));
        return views;
    }
    bool dane_ok = true;
};

// The stored chains match every published record.
class MatchingVault final : public KeyVault {
  public:
    Result<SlotKey> generate_key(const std::string&, TimePoint) override {
        return Error::environment("no key is to be made in these tests");
    }
    Result<ObtainedCertificate> obtain_certificate(const std::string&, const SlotKey&) override {
        return Error::environment("no certificate is to be issued in these tests");
    }
    Result<std::vector<TlsaRecord>> chain_matches(
        const std::string&, const SlotKey&, const std::vector<TlsaRecord>& published) override {
        return published;
    }
    Status deploy(const std::string&, const SlotKey&) override {
        ++deploys;
        return {};
    }
    std::vector<std::string> sender_refusals(const std::string&, const SlotKey&) override {
        return refusals;
    }
    int deploys = 0;
    std::vector<std::string> refusals;  // what MTA-STS senders in enforce mode would refuse
};

class MemoryStates final : public StateStore {
  public:
    Result<std::optional<SlotState>> load(const std::string&) override { return state; }
    Status save(const SlotState& saved, const std::string& kind,
                const std::string& details) override {
        state = saved;
        events.push_back(kind + ": " + details);
        return {};
    }
    Status record_event(const std::string&, const std::string& kind,
                        const std::string& details) override {
        events.push_back(kind + ": " + details);
        return {};
    }
    std::optional<SlotState> state;
    std::vector<std::string> events;
};

class RunnerTest : public ::testing::Test {
  protected:
    RunnerTest() {
        SlotState s;
        s.slot = "mx";
        s.current = current_key();
        s.next = next_key();
        s.switch_not_before = epoch - hours(1);
        s.current_cert_not_after = epoch + hours(24 * 60);
        states.state = s;
        setup.slot = "mx";
        setup.endpoints = {Endpoint{"mx1.example.test", 25}};
        // The configuration's defaults (config/schema.h): a policy is always given them.
        setup.policy.margin = Seconds{900};
        setup.policy.renew_before = hours(24 * 30);
        setup.policy.rollover_every = hours(24 * 365);
    }
    RunReport run(RunMode mode = RunMode::apply) {
        Ports ports{dns, publisher, prober, vault, states, clock};
        auto report = run_slot(setup, ports, mode);
        EXPECT_TRUE(report.ok()) << report.error().message;
        return *report;
    }

    ServedRecords dns;
    NoPublisher publisher;
    CurrentKeyProber prober;
    MatchingVault vault;
    MemoryStates states;
    FakeClock clock{epoch};
    SlotSetup setup;
};

TEST_F(RunnerTest, EveryAlertCountsAFailedVerificationUntilARunPassesAgain) {
    prober.dane_ok = false;
    EXPECT_EQ(run().final_action.kind, ActionKind::alert);
    EXPECT_EQ(states.state->failed_verifications, 1);
    ASSERT_EQ(states.events.size(), 1U);
    EXPECT_TRUE(
        states.events[0].starts_with("alert: endpoints do not present the current key DANE-valid"))
        << states.events[0];
    clock.advance(Seconds{30});
    EXPECT_EQ(run().state.failed_verifications, 2);
    EXPECT_EQ(states.state->failed_verifications, 2);

    prober.dane_ok = true;
    const RunReport passed = run();
    EXPECT_EQ(passed.final_action.kind, ActionKind::wait);
    EXPECT_EQ(states.state->failed_verifications, 0);
    EXPECT_TRUE(states.events.back().starts_with("alerts_cleared: all endpoints match"))
        << states.events.back();
    // A calm run stores nothing.
    const auto events = states.events.size();
    run();
    EXPECT_EQ(states.events.size(), events);
}

// The vault says MTA-STS senders (enforce) would refuse the next chain: the run stops at an
// alert naming the endpoint, nothing is deployed, an hour later still nothing; once the vault no
// longer refuses (mode testing, or a WebPKI chain) the plan is the deployment.
TEST_F(RunnerTest, AChainSendersWouldRefuseIsNeverDeployed) {
    states.state->phase = Phase::rolling;
    states.state->next->published_at = epoch;
    states.state->next_cert_not_after = epoch + hours(24 * 90);
    vault.refusals = {"mx1.example.test:25: example.test's MTA-STS policy is enforce"};
    EXPECT_EQ(run().final_action.kind, ActionKind::wait);  // the switch wait, counted from here
    clock.advance(hours(2));
    const RunReport refused = run();
    EXPECT_EQ(refused.final_action.kind, ActionKind::alert);
    EXPECT_NE(refused.final_action.reason.find(
                  "refusing to deploy the next chain: mx1.example.test:25: example.test's MTA-STS"),
              std::string::npos)
        << refused.final_action.reason;
    EXPECT_EQ(vault.deploys, 0);
    EXPECT_FALSE(states.state->next_deployed);
    ASSERT_FALSE(states.events.empty());
    EXPECT_TRUE(states.events.back().starts_with("alert: rollover: refusing to deploy"))
        << states.events.back();
    clock.advance(hours(1));
    EXPECT_EQ(run().final_action.kind, ActionKind::alert);
    EXPECT_EQ(vault.deploys, 0);
    vault.refusals.clear();
    EXPECT_EQ(run(RunMode::dry_run).final_action.kind, ActionKind::deploy);
}

TEST_F(RunnerTest, ADryRunCountsNothing) {
    prober.dane_ok = false;
    EXPECT_EQ(run(RunMode::dry_run).final_action.kind, ActionKind::alert);
    EXPECT_EQ(states.state->failed_verifications, 0);
    EXPECT_TRUE(states.events.empty());
}

OwnerPreparation prepared(OwnerPreparation::Kind kind, std::string reason) {
    OwnerPreparation p;
    p.kind = kind;
    p.reason = std::move(reason);
    return p;
}

// The audit page draws each waiting window from the log: the event names the switch time.
TEST_F(RunnerTest, TheSwitchTimeEventNamesTheTime) {
    states.state->switch_not_before.reset();
    run();
    ASSERT_TRUE(states.state->switch_not_before);
    const std::string named = "set_switch_time: earliest safe switch = t1 + 2 x TTLmax + margin: " +
                              iso_time(*states.state->switch_not_before);
    EXPECT_NE(std::find(states.events.begin(), states.events.end(), named), states.events.end())
        << (states.events.empty() ? "no events" : states.events.front());
}

TEST_F(RunnerTest, EachSharedOwnerStepIsAnEventThenTheEnginePlans) {
    publisher.preparations = {
        prepared(OwnerPreparation::Kind::changed, "copy"),
        prepared(OwnerPreparation::Kind::changed, "link"),
    };
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::wait) << report.final_action.reason;
    ASSERT_GE(states.events.size(), 2U);  // then what the plan stores (its wait's progress)
    EXPECT_EQ(states.events[0], "shared_owner: copy");
    EXPECT_EQ(states.events[1], "shared_owner: link");
    EXPECT_EQ(publisher.applied, (std::vector<bool>{true, true, true}));
}

TEST_F(RunnerTest, ARefusedSharedOwnerIsAnAlertAndNothingIsPlanned) {
    publisher.preparations = {
        prepared(OwnerPreparation::Kind::refused, "_25._tcp.mx1 is a CNAME to elsewhere")};
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::alert);
    EXPECT_EQ(report.final_action.reason, "_25._tcp.mx1 is a CNAME to elsewhere");
    EXPECT_EQ(states.state->failed_verifications, 1);
}

TEST_F(RunnerTest, ALinkWaitingForPropagationLooksAgainAfterThePoll) {
    publisher.preparations = {prepared(OwnerPreparation::Kind::waiting, "not everywhere yet")};
    const RunReport report = run();
    EXPECT_EQ(report.final_action.kind, ActionKind::wait);
    EXPECT_EQ(report.final_action.at, epoch + setup.policy.propagation_poll);
}

TEST_F(RunnerTest, ADryRunOnlyAsksWhatTheSharedOwnerStepWouldBe) {
    publisher.preparations = {prepared(OwnerPreparation::Kind::changed, "would: link")};
    const RunReport report = run(RunMode::dry_run);
    EXPECT_EQ(report.final_action.kind, ActionKind::publish);
    EXPECT_EQ(report.final_action.reason, "would: link");
    EXPECT_EQ(publisher.applied, std::vector<bool>{false});
    EXPECT_TRUE(states.events.empty());
}

// The switch to next waits t1 + 2 x TTL + margin on the wall clock AND as much monotonic time
// (base/elapsed.h), so jumps of the wall clock either way do not end it early.
class SwitchWaitTest : public RunnerTest {
  protected:
    SwitchWaitTest() {
        SlotState& s = *states.state;
        s.next->published_at.reset();  // the run at epoch sees it everywhere: t1 = epoch
        s.switch_not_before.reset();
        s.phase = Phase::rolling;
        s.next_cert_not_after = epoch + hours(24 * 90);
    }
    // What the engine would do now (the stored count brought up to now, as a real run does).
    ActionKind planned() { return run(RunMode::dry_run).final_action.kind; }
    Seconds needed() const {
        const SlotState& s = *states.state;
        return std::chrono::duration_cast<Seconds>(*s.switch_not_before - *s.next->published_at);
    }
};

TEST_F(SwitchWaitTest, AForwardWallJumpDoesNotEndTheWait) {
    EXPECT_EQ(run().final_action.kind, ActionKind::wait);
    ASSERT_EQ(states.state->next->published_at, epoch);
    EXPECT_EQ(needed(), Seconds{2 * 60 + 900});
    clock.jump_wall(hours(24));
    Observations seen;  // what `rollover check` decides from
    seen.now = clock.now();
    seen.monotonic = clock.monotonic();
    EXPECT_FALSE(switch_wait_over(count_monotonic(*states.state, seen.monotonic), seen));
    const RunReport waited = run();
    EXPECT_EQ(waited.final_action.kind, ActionKind::wait) << waited.final_action.reason;
    EXPECT_TRUE(waited.executed.empty());
    clock.advance(needed() - Seconds{1});
    EXPECT_EQ(planned(), ActionKind::wait);
    clock.advance(Seconds{1});
    EXPECT_EQ(planned(), ActionKind::deploy);
}

TEST_F(SwitchWaitTest, ABackwardWallJumpNeitherShortensNorStallsTheWaitOnOneBoot) {
    run();
    clock.jump_wall(-hours(24 * 3));
    clock.advance(needed() - Seconds{1});
    EXPECT_EQ(planned(), ActionKind::wait);
    // The monotonic clock proves the whole wait passed on this boot: the wall clock, three days
    // behind t1, does not hold the rollover back for three days.
    clock.advance(Seconds{1});
    EXPECT_EQ(planned(), ActionKind::deploy);
}

TEST_F(SwitchWaitTest, ARestartResumesFromTheStoredCount) {
    run();
    clock.advance(Seconds{600});
    EXPECT_EQ(run().final_action.kind, ActionKind::wait);  // every run is a restart: it loads
    ASSERT_TRUE(states.state->next->published_mono);
    EXPECT_EQ(states.state->next->published_mono->counted, Seconds{600});
    EXPECT_TRUE(states.events.back().starts_with("wait_progress: ")) << states.events.back();
    clock.jump_wall(hours(24));
    clock.advance(needed() - Seconds{600} - Seconds{1});
    EXPECT_EQ(planned(), ActionKind::wait);
    clock.advance(Seconds{1});
    EXPECT_EQ(planned(), ActionKind::deploy);
}

TEST_F(SwitchWaitTest, ARebootLosesOnlyTheUnstoredTimeAndThenNeedsTheWallClockToo) {
    run();
    clock.advance(Seconds{600});
    run();                        // 600 s stored
    clock.advance(Seconds{300});  // not stored: lost with the boot
    clock.reboot(Seconds{60});
    EXPECT_EQ(run().final_action.kind, ActionKind::wait);
    EXPECT_EQ(states.state->next->published_mono->counted, Seconds{600});
    EXPECT_FALSE(states.state->next->published_mono->unbroken);
    clock.advance(needed() - Seconds{601});
    EXPECT_EQ(planned(), ActionKind::wait);
    // After a reboot the count misses time, so the wall clock must agree as well: set back a
    // day, it holds the switch until it reaches t1 + needed again.
    clock.jump_wall(-hours(24));
    clock.advance(Seconds{1});
    EXPECT_EQ(planned(), ActionKind::wait);
    clock.jump_wall(hours(24));
    EXPECT_EQ(planned(), ActionKind::deploy);
}

TEST_F(SwitchWaitTest, AStateStoredBeforeCountsExistedStartsItsCountNow) {
    SlotState& s = *states.state;
    s.next->published_at = epoch - hours(23);  // aged by the wall clock long ago
    s.switch_not_before = epoch - hours(22);
    EXPECT_EQ(run().final_action.kind, ActionKind::wait);
    ASSERT_TRUE(states.state->next->published_mono);
    clock.advance(needed() - Seconds{1});
    EXPECT_EQ(planned(), ActionKind::wait);
    clock.advance(Seconds{1});
    EXPECT_EQ(planned(), ActionKind::deploy);
}

// The primary's RRset at every owner, changed by what is published (the fake publisher) or, for a
// deferred publish step, by the test playing the caller who sent it with other slots' steps.
class ChangingRecords final : public DnsView {
  public:
    Result<std::vector<OwnerView>> observe(const std::vector<std::string>& owners) override {
        std::vector<OwnerView> views;
        for (const auto& o : owners) views.push_back(owner(o, served));
        return views;
    }
    Status await_propagation(const std::vector<std::string>&, Seconds) override {
        ++waits;
        return {};
    }
    void apply(const std::vector<TlsaChange>& changes) {
        for (const auto& c : changes) {
            if (c.op == ChangeOp::add) served.push_back(c.record);
            if (c.op == ChangeOp::remove) std::erase(served, c.record);
        }
    }
    std::vector<TlsaRecord> served;
    int waits = 0;
};

class CountingPublisher final : public DnsPublisher {
  public:
    explicit CountingPublisher(ChangingRecords& dns) : dns_(dns) {}
    Result<std::string> publish(const std::vector<TlsaChange>& changes) override {
        ++sent;
        dns_.apply(changes);
        return std::string("applied");
    }
    int sent = 0;

  private:
    ChangingRecords& dns_;
};

// The next key's record is missing: the plan is to publish it.
class DeferredPublishTest : public RunnerTest {
  protected:
    DeferredPublishTest() { records.served = {record_for(current_key())}; }
    Result<RunReport> run_deferring() {
        Ports ports{records, counting, prober, vault, states, clock};
        return run_slot(setup, ports, RunMode::apply, {}, default_max_steps, true);
    }
    Result<RunReport> finish(RunReport report, const Result<std::string>& published) {
        Ports ports{records, counting, prober, vault, states, clock};
        return finish_publish(setup, ports, std::move(report), published);
    }
    ChangingRecords records;
    CountingPublisher counting{records};
};

TEST_F(DeferredPublishTest, APublishStepStopsTheRunUnsentAndUnstored) {
    const SlotState before = *states.state;
    auto report = run_deferring();
    ASSERT_TRUE(report.ok()) << report.error().message;
    ASSERT_TRUE(report->deferred);
    EXPECT_EQ(report->final_action.kind, ActionKind::publish);
    ASSERT_EQ(report->final_action.changes.size(), 1U);
    EXPECT_EQ(report->final_action.changes[0].record, record_for(next_key()));
    EXPECT_EQ(counting.sent, 0);
    EXPECT_EQ(records.waits, 0);
    EXPECT_TRUE(states.events.empty());
    EXPECT_EQ(*states.state, before);
}

TEST_F(DeferredPublishTest, TheCallersAnswerIsStoredAndTheRunGoesOnToItsWait) {
    auto report = run_deferring();
    ASSERT_TRUE(report.ok() && report->deferred);
    records.apply(report->final_action.changes);  // what the caller's UPDATE did
    auto finished = finish(std::move(*report), std::string("applied by NOERROR, serial 7"));
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    // Then each step it plans is deferred in turn (here: recording t1 and the switch time).
    for (int step = 0; step < 8 && finished.ok() && finished->deferred; ++step) {
        Ports ports{records, counting, prober, vault, states, clock};
        const auto outcome = execute_step(setup, ports, finished->final_action, finished->state);
        finished = finish_step(setup, ports, std::move(*finished), outcome);
    }
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    EXPECT_FALSE(finished->deferred);
    EXPECT_EQ(finished->final_action.kind, ActionKind::wait);
    ASSERT_GE(finished->executed.size(), 1U);
    EXPECT_EQ(finished->executed[0].kind, ActionKind::publish);
    EXPECT_EQ(records.waits, 1);  // propagation awaited once the answer came
    EXPECT_EQ(counting.sent, 0);  // the caller sent it, not the slot's publisher
    ASSERT_FALSE(states.events.empty());
    EXPECT_TRUE(states.events[0].starts_with("publish: ")) << states.events[0];
    EXPECT_NE(states.events[0].find("applied by NOERROR, serial 7"), std::string::npos);
}

TEST_F(DeferredPublishTest, ARefusedPrerequisiteIsRecordedAndTheSlotPlansAgain) {
    auto report = run_deferring();
    ASSERT_TRUE(report.ok() && report->deferred);
    const SlotState before = *states.state;
    auto finished =
        finish(std::move(*report), Error::check_failed("prerequisite failed (NXRRSET)"));
    ASSERT_TRUE(finished.ok()) << finished.error().message;
    ASSERT_TRUE(finished->deferred);  // the same step, planned again from a fresh observation
    EXPECT_EQ(finished->final_action.kind, ActionKind::publish);
    ASSERT_EQ(states.events.size(), 1U);
    EXPECT_TRUE(states.events[0].starts_with("publish_conflict: ")) << states.events[0];
    EXPECT_EQ(*states.state, before);
}

TEST_F(DeferredPublishTest, AFailedSendIsTheRunsErrorAndNothingIsStored) {
    auto report = run_deferring();
    ASSERT_TRUE(report.ok() && report->deferred);
    const SlotState before = *states.state;
    auto finished = finish(std::move(*report), Error::environment("no reply from 192.0.2.53"));
    ASSERT_FALSE(finished.ok());
    EXPECT_EQ(*states.state, before);
    ASSERT_EQ(states.events.size(), 1U);
    EXPECT_TRUE(states.events[0].starts_with("publish_failed: ")) << states.events[0];
}

TEST_F(DeferredPublishTest, WithoutDeferringTheSlotsPublisherSendsItAsBefore) {
    Ports ports{records, counting, prober, vault, states, clock};
    auto report = run_slot(setup, ports, RunMode::apply);
    ASSERT_TRUE(report.ok()) << report.error().message;
    EXPECT_FALSE(report->deferred);
    EXPECT_EQ(counting.sent, 1);
    EXPECT_EQ(report->final_action.kind, ActionKind::wait);
}

}  // namespace
}  // namespace dk::engine
