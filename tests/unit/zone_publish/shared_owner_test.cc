// The shared TLSA owner's link, planned from what the primary serves (zone/shared_owner.h): the
// copy into the shared RRset, the one guarded UPDATE that makes the endpoints CNAMEs, and the
// set-ups it refuses.
#include "zone/shared_owner.h"

#include <gtest/gtest.h>

namespace dk::zone {
namespace {

const std::string kZone = "example.test.";
const std::string kShared = "_dane.mx.example.test.";
const std::string kMx1 = "_25._tcp.mx1.example.test.";
const std::string kMx2 = "_25._tcp.mx2.example.test.";
const std::string kCurrent = "3 1 1 " + std::string(64, 'a');
const std::string kNext = "3 1 1 " + std::string(64, 'b');
const std::string kOperator = "3 1 1 " + std::string(64, 'c');

EndpointOwnerAtPrimary own_rrset(const std::string& owner, std::vector<std::string> rdatas,
                                 std::uint32_t ttl = 3600) {
    return {owner, std::nullopt, {owner, LDNS_RR_TYPE_TLSA, ttl, std::move(rdatas)}};
}

EndpointOwnerAtPrimary alias(const std::string& owner, const std::string& target) {
    return {owner, target, {owner, LDNS_RR_TYPE_TLSA, 0, {}}};
}

SharedOwnerAtPrimary primary(std::vector<std::string> shared,
                             std::vector<EndpointOwnerAtPrimary> endpoints) {
    SharedOwnerAtPrimary p;
    p.zone = kZone;
    p.shared = kShared;
    p.shared_tlsa = {kShared, LDNS_RR_TYPE_TLSA, 300, std::move(shared)};
    p.endpoints = std::move(endpoints);
    return p;
}

std::string update_text(const ZoneChange& change) {
    auto pkt = build_update(change);
    if (!pkt.ok()) return "error: " + pkt.error().message;
    ldns::CStringPtr text(ldns_pkt2str(pkt->get()));
    return text.get();
}

TEST(SharedOwnerLink, NewEndpointsBecomeCnamesGuardedByNothingThere) {
    const auto step =
        plan_shared_owner_link(primary({}, {own_rrset(kMx1, {}), own_rrset(kMx2, {})}), 300);
    ASSERT_EQ(step.kind, LinkStepKind::link) << step.reason;
    EXPECT_EQ(step.replaced_ttl_max, 0u);  // nothing replaced: nothing to wait out
    const std::string text = update_text(step.change);
    // Prerequisites: no TLSA and no CNAME at either owner (RFC 2136 2.4.3).
    EXPECT_NE(text.find(kMx1 + "\t0\tNONE\tTLSA"), std::string::npos) << text;
    EXPECT_NE(text.find(kMx1 + "\t0\tNONE\tCNAME"), std::string::npos) << text;
    EXPECT_NE(text.find(kMx2 + "\t0\tNONE\tCNAME"), std::string::npos) << text;
    // Updates: one CNAME each, typed, to the shared owner.
    EXPECT_NE(text.find(kMx1 + "\t300\tIN\tCNAME\t" + kShared), std::string::npos) << text;
    EXPECT_NE(text.find(kMx2 + "\t300\tIN\tCNAME\t" + kShared), std::string::npos) << text;
}

TEST(SharedOwnerLink, MigrationCopiesEveryOldRecordIntoTheSharedRrsetFirst) {
    const auto step =
        plan_shared_owner_link(primary({kCurrent}, {own_rrset(kMx1, {kCurrent, kNext, kOperator}),
                                                    own_rrset(kMx2, {kCurrent, kNext})}),
                               300);
    ASSERT_EQ(step.kind, LinkStepKind::copy) << step.reason;
    ASSERT_EQ(step.change.changes.size(), 2u);  // next and the operator's record, once each
    for (const auto& c : step.change.changes) {
        EXPECT_EQ(c.owner, kShared);
        EXPECT_EQ(c.action, ChangeAction::add);
    }
    // Guarded by the shared RRset as seen, so a concurrent change there refuses the UPDATE.
    ASSERT_EQ(step.change.expected.size(), 1u);
    EXPECT_EQ(step.change.expected[0].owner, kShared);
    EXPECT_EQ(step.change.expected[0].rdatas, std::vector<std::string>{kCurrent});
    EXPECT_FALSE(step.change.links_alias);  // no CNAME in this step
}

TEST(SharedOwnerLink, MigrationReplacesTheOldRrsetByTheCnameInOneGuardedUpdate) {
    const auto step = plan_shared_owner_link(
        primary({kCurrent, kNext, kOperator},
                {own_rrset(kMx1, {kCurrent, kNext, kOperator}, 7200), alias(kMx2, kShared)}),
        300);
    ASSERT_EQ(step.kind, LinkStepKind::link) << step.reason;
    EXPECT_EQ(step.replaced_ttl_max, 7200u);  // resolvers may hold mx1's old RRset that long
    const std::string text = update_text(step.change);
    // The old RRset exactly as seen (2.4.2) and no CNAME yet; mx2 (already linked) untouched.
    EXPECT_NE(text.find(kMx1 + "\t0\tIN\tTLSA\t" + kOperator), std::string::npos) << text;
    EXPECT_NE(text.find(kMx1 + "\t0\tNONE\tCNAME"), std::string::npos) << text;
    EXPECT_EQ(text.find(kMx2), std::string::npos) << text;
    // Each old record deleted one by one (class NONE), then the CNAME.
    EXPECT_NE(text.find(kMx1 + "\t0\tNONE\tTLSA\t" + kNext), std::string::npos) << text;
    EXPECT_NE(text.find(kMx1 + "\t300\tIN\tCNAME\t" + kShared), std::string::npos) << text;
}

TEST(SharedOwnerLink, EveryEndpointAnAliasOfTheSharedOwnerIsLinked) {
    const auto step = plan_shared_owner_link(
        primary({kCurrent, kNext}, {alias(kMx1, kShared), alias(kMx2, "_DANE.MX.example.test.")}),
        300);
    EXPECT_EQ(step.kind, LinkStepKind::linked) << step.reason;
}

TEST(SharedOwnerLink, RefusesAnEndpointThatIsAnOperatorsCnameElsewhere) {
    const auto step = plan_shared_owner_link(
        primary({kCurrent}, {alias(kMx1, "_dane.provider.example.net."), own_rrset(kMx2, {})}),
        300);
    EXPECT_EQ(step.kind, LinkStepKind::refused);
    EXPECT_NE(step.reason.find(kMx1 + " is a CNAME to _dane.provider.example.net."),
              std::string::npos)
        << step.reason;
}

TEST(SharedOwnerLink, RefusesASharedOwnerThatIsItselfACname) {
    auto p = primary({}, {own_rrset(kMx1, {kCurrent})});
    p.shared_cname = "_tlsa.elsewhere.example.test.";
    const auto step = plan_shared_owner_link(p, 300);
    EXPECT_EQ(step.kind, LinkStepKind::refused);
    EXPECT_NE(step.reason.find("CNAME chain"), std::string::npos) << step.reason;
}

TEST(SharedOwnerLink, RefusesASharedOwnerOutsideTheZone) {
    auto p = primary({}, {own_rrset(kMx1, {kCurrent})});
    p.shared = "_dane.mx.example.net.";
    const auto step = plan_shared_owner_link(p, 300);
    EXPECT_EQ(step.kind, LinkStepKind::refused);
    EXPECT_NE(step.reason.find("outside zone example.test."), std::string::npos) << step.reason;
}

TEST(SharedOwnerLink, RefusesAnEndpointOwnerThatIsTheSharedOwner) {
    auto p = primary({}, {own_rrset(kMx1, {kCurrent})});
    p.shared = kMx1;
    EXPECT_EQ(plan_shared_owner_link(p, 300).kind, LinkStepKind::refused);
}

TEST(SharedOwnerLink, OnlyTheLinkMayCarryACname) {
    // The same CNAME change without the link's mark is refused like any other CNAME.
    auto step = plan_shared_owner_link(primary({}, {own_rrset(kMx1, {})}), 300);
    ASSERT_EQ(step.kind, LinkStepKind::link);
    step.change.links_alias = false;
    EXPECT_NE(update_text(step.change).find("does not change CNAME"), std::string::npos);
}

}  // namespace
}  // namespace dk::zone
