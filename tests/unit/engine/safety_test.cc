#include "engine/safety.h"

#include <gtest/gtest.h>

#include "engine/planner.h"
#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;

TlsaRecord rec(std::uint8_t u, std::uint8_t s, std::uint8_t m, std::uint8_t tag) {
    return TlsaRecord{u, s, m, Bytes(32, tag)};
}

TEST(Combinations, EveryPublishedCombinationNeedsAMatch) {
    const auto ee = rec(3, 1, 1, 1);
    const auto ee_next = rec(3, 1, 1, 2);
    const auto ta = rec(2, 1, 1, 9);
    EXPECT_TRUE(combinations_satisfied({ee, ee_next}, {ee}));
    EXPECT_TRUE(combinations_satisfied({ee, ee_next, ta}, {ee, ta}));
    EXPECT_FALSE(
        combinations_satisfied({ee, ee_next, ta}, {ee}));  // 2 1 1 pinned, chain changed CA
    EXPECT_FALSE(combinations_satisfied({ee_next}, {ee}));
    EXPECT_TRUE(combinations_satisfied({}, {ee}));  // nothing published constrains nothing
}

TEST(Publication, EverywhereNeedsEveryOwnerPropagatedAndValidated) {
    const auto k = key(1);
    Observations obs;
    obs.owners = {owner("_25._tcp.mx1.", {record_for(k)}), owner("_25._tcp.mx2.", {record_for(k)})};
    EXPECT_TRUE(published_everywhere(obs, record_for(k)));
    obs.owners[1].validated = false;
    EXPECT_FALSE(published_everywhere(obs, record_for(k)));
    obs.owners[1].validated = true;
    obs.owners[1].propagated = false;
    EXPECT_FALSE(published_everywhere(obs, record_for(k)));
    obs.owners.clear();
    EXPECT_FALSE(published_everywhere(obs, record_for(k)));
}

TEST(Retirement, AbsentEverywhereNeedsAValidatedView) {
    // An empty answer without a validated NSEC/NSEC3 proof leaves the owner unvalidated: it is
    // no proof that the old record is gone.
    const auto old_key = key(1);
    Observations obs;
    obs.owners = {owner("_25._tcp.mx1.", {}), owner("_25._tcp.mx2.", {record_for(key(2))})};
    EXPECT_TRUE(absent_everywhere(obs, record_for(old_key)));
    obs.owners[0].validated = false;
    EXPECT_FALSE(absent_everywhere(obs, record_for(old_key)));
    obs.owners[0].validated = true;
    obs.owners[0].propagated = false;
    EXPECT_FALSE(absent_everywhere(obs, record_for(old_key)));
    obs.owners[0].propagated = true;
    obs.owners[1].at_primary.push_back(record_for(old_key));
    EXPECT_FALSE(absent_everywhere(obs, record_for(old_key)));
}

TEST(Endpoints, UnreachableMightStillPresentAKey) {
    const auto old_key = key(1);
    const auto new_key = key(2);
    Observations obs;
    obs.endpoints = {serving("mx1:25", new_key), unreachable("mx2:25")};
    EXPECT_EQ(endpoints_maybe_presenting(obs, old_key).size(), 1u);
    EXPECT_EQ(endpoints_not_presenting(obs, new_key).size(), 1u);
    obs.endpoints.pop_back();
    EXPECT_TRUE(endpoints_maybe_presenting(obs, old_key).empty());
    EXPECT_TRUE(endpoints_not_presenting(obs, new_key).empty());
}

TEST(Endpoints, NoProbeProvesNothing) {
    Observations obs;
    EXPECT_FALSE(endpoints_not_presenting(obs, key(1)).empty());
    EXPECT_FALSE(endpoints_maybe_presenting(obs, key(1)).empty());
}

TEST(TtlMax, TheLongestAnyServerLetsACacheKeep) {
    EXPECT_EQ(owner_ttl_max({}), Seconds{0});
    EXPECT_EQ(owner_ttl_max({{.tlsa = 300, .rrsig_original = 3600}, {.tlsa = 600}}), Seconds{3600});
    EXPECT_EQ(owner_ttl_max({{.tlsa = 300, .cname_max = 7200}}), Seconds{7200});
    // The negative TTL counts only where the RRset is empty (a cached denial).
    EXPECT_EQ(owner_ttl_max({{.tlsa = 300, .negative = 900}}), Seconds{300});
    EXPECT_EQ(owner_ttl_max({{.tlsa = 300}, {.negative = 900, .empty = true}}), Seconds{900});
    EXPECT_EQ(switch_wait(Seconds{900}, Seconds{60}), Seconds{1860});
}

}  // namespace
}  // namespace dk::engine
