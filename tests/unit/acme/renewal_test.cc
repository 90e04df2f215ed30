// Renewal timing over a fake clock: renew_before_days, short lifetimes, ARI windows.
#include "acme/renewal.h"

#include <gtest/gtest.h>

namespace dk::acme {
namespace {

using std::chrono::hours;
constexpr auto day = hours(24);
const TimePoint issued = from_unix_seconds(1795521600);  // 2026-11-24T12:00:00Z

RenewalInput ninety_days() {
    RenewalInput in;
    in.not_before = issued;
    in.not_after = issued + 90 * day;
    in.renew_before_days = 30;
    return in;
}

TEST(Renewal, RenewBeforeDaysWithoutAri) {
    const auto in = ninety_days();
    FakeClock clock(issued);
    auto d = decide_renewal(in, clock.now());
    EXPECT_FALSE(d.renew_now);
    EXPECT_EQ(d.renew_at, issued + 60 * day);
    EXPECT_EQ(d.reason, "renew_before_days");
    clock.advance(60 * day - std::chrono::seconds(1));
    EXPECT_FALSE(decide_renewal(in, clock.now()).renew_now);
    clock.advance(std::chrono::seconds(1));
    EXPECT_TRUE(decide_renewal(in, clock.now()).renew_now);
}

TEST(Renewal, ShortLivedCertificatesRenewAtTwoThirds) {
    RenewalInput in = ninety_days();
    in.not_after = issued + 6 * day;  // a six-day certificate with renew_before_days = 30
    auto d = decide_renewal(in, issued + hours(1));
    EXPECT_FALSE(d.renew_now);
    EXPECT_EQ(d.renew_at, issued + 4 * day);
    EXPECT_TRUE(decide_renewal(in, issued + 4 * day).renew_now);
}

TEST(Renewal, AriWindowDecides) {
    RenewalInput in = ninety_days();
    // The CA asks for renewal early (e.g. a revocation is coming): days 10-12.
    in.ari = RenewalWindow{issued + 10 * day, issued + 12 * day};
    in.window_point = 0.25;
    FakeClock clock(issued + 5 * day);
    auto d = decide_renewal(in, clock.now());
    EXPECT_FALSE(d.renew_now);
    EXPECT_EQ(d.renew_at, issued + 10 * day + hours(12));
    EXPECT_EQ(d.reason, "ari window");
    clock.set(issued + 10 * day + hours(12));
    EXPECT_TRUE(decide_renewal(in, clock.now()).renew_now);
}

TEST(Renewal, AriWindowLaterThanRenewBeforeDaysIsFollowed) {
    RenewalInput in = ninety_days();
    in.ari = RenewalWindow{issued + 70 * day, issued + 72 * day};
    in.window_point = 0.0;
    EXPECT_FALSE(decide_renewal(in, issued + 65 * day).renew_now);
    EXPECT_TRUE(decide_renewal(in, issued + 70 * day).renew_now);
}

TEST(Renewal, PassedWindowAndExpiryMeanNow) {
    RenewalInput in = ninety_days();
    in.ari = RenewalWindow{issued + 1 * day, issued + 2 * day};
    EXPECT_TRUE(decide_renewal(in, issued + 3 * day).renew_now);
    RenewalInput expired = ninety_days();
    expired.ari = RenewalWindow{issued + 200 * day, issued + 201 * day};  // a window past expiry
    auto d = decide_renewal(expired, issued + 91 * day);
    EXPECT_TRUE(d.renew_now);
    EXPECT_EQ(d.reason, "expired");
}

// A security review's finding: a window ending after notAfter was followed, so renewal waited
// until the certificate had expired. Such a window is cut to end where renew_before_days (or two
// thirds of a short lifetime) would renew.
TEST(Renewal, AriWindowEndingAfterExpiryIsCutToEndBeforeIt) {
    RenewalInput beyond = ninety_days();  // without ARI: day 60
    beyond.ari = RenewalWindow{issued + 200 * day, issued + 201 * day};
    auto d = decide_renewal(beyond, issued + 5 * day);
    EXPECT_FALSE(d.renew_now);
    EXPECT_EQ(d.renew_at, issued + 60 * day);
    EXPECT_EQ(d.reason, "ari window cut to end before expiry");
    EXPECT_TRUE(decide_renewal(beyond, issued + 61 * day).renew_now);

    RenewalInput across = ninety_days();  // starts inside, ends after expiry: [50, 60] is kept
    across.ari = RenewalWindow{issued + 50 * day, issued + 95 * day};
    across.window_point = 0.5;
    EXPECT_EQ(decide_renewal(across, issued).renew_at, issued + 55 * day);

    RenewalInput six_days = ninety_days();  // two thirds of a six-day life: day 4
    six_days.not_after = issued + 6 * day;
    six_days.ari = RenewalWindow{issued + 5 * day, issued + 7 * day};
    EXPECT_EQ(decide_renewal(six_days, issued).renew_at, issued + 4 * day);

    RenewalInput at_expiry = ninety_days();  // ending at notAfter is not ending before it
    at_expiry.ari = RenewalWindow{issued + 80 * day, issued + 90 * day};
    at_expiry.window_point = 1.0;
    EXPECT_EQ(decide_renewal(at_expiry, issued).renew_at, issued + 60 * day);

    RenewalInput inside = ninety_days();  // ends before expiry: followed as it is
    inside.ari = RenewalWindow{issued + 80 * day, issued + 89 * day};
    inside.window_point = 1.0;
    EXPECT_EQ(decide_renewal(inside, issued).renew_at, issued + 89 * day);
    EXPECT_EQ(decide_renewal(inside, issued).reason, "ari window");
}

TEST(Renewal, WindowPointIsClamped) {
    RenewalInput in = ninety_days();
    in.ari = RenewalWindow{issued + 10 * day, issued + 12 * day};
    in.window_point = 7.0;
    EXPECT_EQ(decide_renewal(in, issued).renew_at, issued + 12 * day);
}

}  // namespace
}  // namespace dk::acme
