// The Retry-After hold kept in STATE_DIR/acme/not-before across runs: one written by an earlier
// version (or by hand) that lies further ahead than the six-hour bound is cut to it, and the
// file rewritten, so the hold ends. The run stops before any request (the directory does not
// exist), as it does for every hold.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "acme/retry.h"
#include "service/issuance/acme_issuer.h"

namespace dk::service {
namespace {

class IssuerHold : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
        ASSERT_EQ(::mkdir((dir_ + "/acme").c_str(), 0700), 0);
        acme_.directory = "https://ca.invalid/directory";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Result<std::string> issue_with_hold(const std::string& stored) {
        std::ofstream(dir_ + "/acme/not-before") << stored;
        zone::Rfc2136Publisher publisher(zone::Rfc2136Options{});
        AcmeIssuer issuer(acme_, dir_, publisher, "example.test.", {}, 60, {});
        return issuer.issue("not a CSR: never read while held", {"mx1.example.test"});
    }
    long long stored_hold() {
        std::ifstream in(dir_ + "/acme/not-before");
        long long seconds = 0;
        in >> seconds;
        return seconds;
    }

    std::string dir_ = "/tmp/dk-acme-hold-XXXXXX";
    config::AcmeConfig acme_;
};

TEST_F(IssuerHold, AHeldOrderSaysWhenToTryAgain) {
    // The daemon wakes for this slot when the hold ends, not every retry interval before.
    const long long until = unix_seconds(SystemClock().now()) + 1200;
    auto held = issue_with_hold(std::to_string(until));
    ASSERT_FALSE(held.ok());
    ASSERT_TRUE(held.error().retry_not_before.has_value());
    EXPECT_EQ(unix_seconds(*held.error().retry_not_before), until);
    // Context added on the way up keeps it.
    const Error wrapped = held.error().context("slot mx");
    ASSERT_TRUE(wrapped.retry_not_before.has_value());
    EXPECT_EQ(unix_seconds(*wrapped.retry_not_before), until);
}

TEST_F(IssuerHold, AnUnresolvedNsNameHoldsTheDns01OrderBack) {
    // The responder polls the servers it has addresses for; an NS name without one would let
    // the challenge be answered before its TXT is proven at that server.
    zone::Rfc2136Publisher publisher(zone::Rfc2136Options{});
    AcmeIssuer issuer(acme_, dir_, publisher, "example.test.", {}, 60, {});
    issuer.set_unresolved_servers({{"ns-ext.provider.test.", "the resolver answered rcode 2"}});
    auto refused = issuer.issue("not a CSR: never read", {"mx1.example.test"});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message.find("NS ns-ext.provider.test. cannot be resolved"),
              std::string::npos)
        << refused.error().message;
    EXPECT_FALSE(std::filesystem::exists(dir_ + "/acme/account.key"));  // nothing asked
}

TEST_F(IssuerHold, AHoldFurtherAheadThanSixHoursIsCutAndRewritten) {
    const long long now = unix_seconds(SystemClock().now());
    const long long bound = now + acme::max_retry_hold.count();
    for (const long long far : {now + 999999999LL, 99999999999999LL}) {
        auto held = issue_with_hold(std::to_string(far));
        ASSERT_FALSE(held.ok());
        EXPECT_EQ(held.error().kind, ErrorKind::environment);
        EXPECT_NE(held.error().message.find("no new order before"), std::string::npos)
            << held.error().message;
        EXPECT_GE(stored_hold(), bound);
        EXPECT_LE(stored_hold(), bound + 5);
        EXPECT_NE(held.error().message.find(iso_time(from_unix_seconds(stored_hold()))),
                  std::string::npos)
            << held.error().message;
    }
}

TEST_F(IssuerHold, AHoldWithinSixHoursIsKeptAsItIs) {
    const long long until = unix_seconds(SystemClock().now()) + 3600;
    auto held = issue_with_hold(std::to_string(until));
    ASSERT_FALSE(held.ok());
    EXPECT_NE(held.error().message.find(iso_time(from_unix_seconds(until))), std::string::npos)
        << held.error().message;
    EXPECT_EQ(stored_hold(), until);
}

// A refused issuance holds the next order back for minutes, growing with each refusal in a row and
// bounded; issuance ends the run. Then issue() stops before any request until the time.
TEST_F(IssuerHold, RefusalsHoldTheNextOrderBackForGrowingMinutes) {
    const TimePoint now = from_unix_seconds(unix_seconds(SystemClock().now()));
    const std::string acme_dir = dir_ + "/acme";
    for (const long long minutes : {2, 4, 8, 16, 32, 60, 60}) {
        auto next = record_refusal(acme_dir, now, std::nullopt);
        ASSERT_TRUE(next.ok()) << next.error().message;
        EXPECT_EQ(*next, now + Seconds{minutes * 60});
        EXPECT_EQ(stored_hold(), unix_seconds(now) + minutes * 60);
    }
    clear_refusals(acme_dir);
    auto first_again = record_refusal(acme_dir, now, std::nullopt);
    ASSERT_TRUE(first_again.ok());
    EXPECT_EQ(*first_again, now + Seconds{120});
    // A later Retry-After wins, within its own bound.
    auto named = record_refusal(acme_dir, now, now + Seconds{5000});
    ASSERT_TRUE(named.ok());
    EXPECT_EQ(*named, now + Seconds{5000});
    auto held = issue_with_hold(std::to_string(stored_hold()));
    ASSERT_FALSE(held.ok());
    EXPECT_EQ(held.error().kind, ErrorKind::environment);
    EXPECT_NE(held.error().message.find(iso_time(now + Seconds{5000})), std::string::npos)
        << held.error().message;
}

TEST_F(IssuerHold, StatusReadsTheNextAttempt) {
    const TimePoint now = from_unix_seconds(unix_seconds(SystemClock().now()));
    const std::string acme_dir = dir_ + "/acme";
    EXPECT_FALSE(read_acme_hold(acme_dir, now));
    ASSERT_TRUE(record_refusal(acme_dir, now, std::nullopt).ok());
    ASSERT_TRUE(record_refusal(acme_dir, now, std::nullopt).ok());
    auto hold = read_acme_hold(acme_dir, now);
    ASSERT_TRUE(hold);
    EXPECT_EQ(hold->next_attempt, now + Seconds{240});
    EXPECT_EQ(hold->refusals, 2);
    EXPECT_FALSE(read_acme_hold(acme_dir, now + Seconds{240}));  // over: nothing holds back
}

TEST_F(IssuerHold, ADamagedRefusalCountStillHoldsBack) {
    std::ofstream(dir_ + "/acme/refusals") << "-99999999999999999999 garbage";
    const TimePoint now = from_unix_seconds(unix_seconds(SystemClock().now()));
    auto next = record_refusal(dir_ + "/acme", now, std::nullopt);
    ASSERT_TRUE(next.ok());
    EXPECT_GE(*next, now + Seconds{120});
    EXPECT_LE(*next, now + Seconds{3600});
}

}  // namespace
}  // namespace dk::service
