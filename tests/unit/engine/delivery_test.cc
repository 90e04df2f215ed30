// A certificate handed over by an operator's ACME client is taken only for a key whose record
// is already published everywhere; everything else is refused and changes nothing.
#include "engine/delivery.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace dk::engine {
namespace {

using std::chrono::hours;
using testing::epoch;
using testing::key;

SlotState steady_with_published_next() {
    SlotState s;
    s.slot = "mx";
    s.current = key(1);
    s.current_cert_not_after = epoch + hours(24 * 30);
    s.next = key(2);
    s.next->published_at = epoch;
    return s;
}

OfferedChain offer(std::uint8_t tag, TimePoint not_after) {
    return {Bytes(32, tag), not_after};
}

// Offered at the epoch, when the slot's stored certificate (30 days) is fresh.
DeliveryDecision decide(const SlotState& s, const OfferedChain& offered) {
    return decide_delivery(s, offered, epoch);
}

TEST(DecideDelivery, LaterCertificateForCurrentKeyIsARenewal) {
    const auto d = decide(steady_with_published_next(), offer(1, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::renew_current);
    EXPECT_EQ(d.key_id, "k1");
}

TEST(DecideDelivery, SameExpiryAsStoredIsNothingToDo) {
    const auto s = steady_with_published_next();
    EXPECT_EQ(decide(s, offer(1, *s.current_cert_not_after)).verdict,
              DeliveryVerdict::already_have);
}

TEST(DecideDelivery, OlderCertificateForCurrentKeyIsRefused) {
    const auto d = decide(steady_with_published_next(), offer(1, epoch + hours(24)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::refuse);
    EXPECT_NE(d.reason.find("before the one the slot already has"), std::string::npos);
}

TEST(DecideDelivery, NewerThanAWaitingRenewalIsTaken) {
    auto s = steady_with_published_next();
    s.renewal_cert_not_after = epoch + hours(24 * 60);
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 60))).verdict, DeliveryVerdict::already_have);
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 50))).verdict, DeliveryVerdict::refuse);
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 70))).verdict, DeliveryVerdict::renew_current);
}

TEST(DecideDelivery, StoredCertificateBeyondTheBoundDoesNotBlockARenewal) {
    // A certificate valid for a century (adopted, or taken before the bound) stood in the way of
    // every later renewal: "expires before the one the slot already has".
    auto s = steady_with_published_next();
    s.current_cert_not_after = epoch + hours(24 * 365 * 100);
    const auto d = decide(s, offer(1, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::renew_current) << d.reason;
    EXPECT_NE(d.reason.find("beyond"), std::string::npos) << d.reason;
    // The same for a waiting renewal's certificate.
    s.current_cert_not_after = epoch + hours(24 * 30);
    s.renewal_cert_not_after = epoch + hours(24 * 365 * 100);
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 90))).verdict, DeliveryVerdict::renew_current);
}

TEST(DecideDelivery, StoredCertificateWithinTheBoundStillRefusesAnOlderOne) {
    auto s = steady_with_published_next();
    s.current_cert_not_after = epoch + longest_certificate_life;
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 90))).verdict, DeliveryVerdict::refuse);
    // Later, the same stored certificate is within the bound of a later now: still refused.
    EXPECT_EQ(decide_delivery(s, offer(1, epoch + hours(24 * 90)), epoch + hours(24)).verdict,
              DeliveryVerdict::refuse);
}

TEST(DecideDelivery, NextKeysStoredCertificateBeyondTheBoundDoesNotBlockAnother) {
    auto s = steady_with_published_next();
    s.next_cert_not_after = epoch + hours(24 * 365 * 100);
    const auto d = decide(s, offer(2, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::for_next) << d.reason;
}

TEST(DecideDelivery, RenewalOfCurrentRefusedWhileNextIsDeployed) {
    auto s = steady_with_published_next();
    s.phase = Phase::rolling;
    s.next_cert_not_after = epoch + hours(24 * 90);
    s.next_deployed = true;
    EXPECT_EQ(decide(s, offer(1, epoch + hours(24 * 90))).verdict, DeliveryVerdict::refuse);
}

TEST(DecideDelivery, PublishedNextKeyIsKeptForTheSwitch) {
    const auto d = decide(steady_with_published_next(), offer(2, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::for_next);
    EXPECT_EQ(d.key_id, "k2");
}

TEST(DecideDelivery, NextKeyNotYetPublishedEverywhereIsRefused) {
    auto s = steady_with_published_next();
    s.next->published_at.reset();
    const auto d = decide(s, offer(2, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::refuse);
    EXPECT_NE(d.reason.find("not yet published"), std::string::npos);
}

TEST(DecideDelivery, NextKeyCertificateCannotChangeOnceDeployed) {
    auto s = steady_with_published_next();
    s.next_cert_not_after = epoch + hours(24 * 90);
    s.next_deployed = true;
    EXPECT_EQ(decide(s, offer(2, epoch + hours(24 * 100))).verdict, DeliveryVerdict::refuse);
    EXPECT_EQ(decide(s, offer(2, epoch + hours(24 * 90))).verdict, DeliveryVerdict::already_have);
}

TEST(DecideDelivery, UnknownKeyIsRefusedNamingTheKnownOnes) {
    const auto d = decide(steady_with_published_next(), offer(9, epoch + hours(24 * 90)));
    EXPECT_EQ(d.verdict, DeliveryVerdict::refuse);
    EXPECT_TRUE(d.key_id.empty());
    EXPECT_NE(d.reason.find("0909090909090909"), std::string::npos);
    EXPECT_NE(d.reason.find("current 0101010101010101"), std::string::npos);
    EXPECT_NE(d.reason.find("next 0202020202020202"), std::string::npos);
}

TEST(DecideDelivery, PreviousKeyIsRefused) {
    auto s = steady_with_published_next();
    s.previous = key(3);
    EXPECT_EQ(decide(s, offer(3, epoch + hours(24 * 90))).verdict, DeliveryVerdict::refuse);
}

TEST(DecideDelivery, MalformedDigestIsRefused) {
    EXPECT_EQ(decide(steady_with_published_next(), {Bytes(20, 1), epoch}).verdict,
              DeliveryVerdict::refuse);
}

}  // namespace
}  // namespace dk::engine
