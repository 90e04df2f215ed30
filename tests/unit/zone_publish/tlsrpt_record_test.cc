// The _smtp._tls record kept in step (service/publish/tlsrpt_record.h): planned from the TXT
// RRset the primary serves; foreign TXT records stay, every other TLSRPT record goes.
#include "service/publish/tlsrpt_record.h"

#include <gtest/gtest.h>

#include "base/tlsrpt_record.h"

namespace dk::service {
namespace {

const std::string kZone = "example.test.";
const std::string kOwner = "_smtp._tls.example.test.";
const std::string kWanted = "v=TLSRPTv1; rua=mailto:tlsrpt@example.test";

zone::Rrset served(std::vector<std::string> rdatas) {
    return {kOwner, LDNS_RR_TYPE_TXT, 300, std::move(rdatas)};
}

std::vector<std::string> of(const TlsrptRecordPlan& plan, zone::ChangeAction action) {
    std::vector<std::string> out;
    for (const auto& c : plan.change.changes)
        if (c.action == action) out.push_back(c.rdata);
    return out;
}

TEST(TlsrptRecordPlan, AddsTheRecordWhereNoneIs) {
    auto plan = plan_tlsrpt_record(kZone, served({}), kWanted, 600);
    ASSERT_TRUE(plan.ok()) << plan.error().message;
    ASSERT_EQ(plan->kind, TlsrptRecordPlan::Kind::change);
    EXPECT_EQ(of(*plan, zone::ChangeAction::add), std::vector<std::string>{"\"" + kWanted + "\""});
    EXPECT_TRUE(of(*plan, zone::ChangeAction::remove).empty());
    EXPECT_EQ(plan->change.changes[0].ttl, 600u);
    // Guarded by "no TXT RRset there" (RFC 2136 2.4.3).
    ASSERT_EQ(plan->change.expected.size(), 1u);
    EXPECT_TRUE(plan->change.expected[0].rdatas.empty());
    EXPECT_TRUE(zone::build_update(plan->change).ok());
}

TEST(TlsrptRecordPlan, ItsOwnRecordServedIsInStepWhateverTheSplit) {
    auto plan = plan_tlsrpt_record(kZone, served({"\"" + kWanted + "\""}), kWanted, 600);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->kind, TlsrptRecordPlan::Kind::in_step);
    // The same text in two strings is the same record to a sender.
    plan = plan_tlsrpt_record(
        kZone, served({"\"v=TLSRPTv1; \" \"rua=mailto:tlsrpt@example.test\""}), kWanted, 600);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->kind, TlsrptRecordPlan::Kind::in_step);
}

TEST(TlsrptRecordPlan, ReplacesAStaleRecordAndLeavesForeignTxtAlone) {
    const std::string stale = "\"v=TLSRPTv1; rua=mailto:old@example.test\"";
    const std::string foreign = "\"v=spf1 -all\"";
    auto plan = plan_tlsrpt_record(kZone, served({foreign, stale}), kWanted, 600);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->kind, TlsrptRecordPlan::Kind::change);
    EXPECT_EQ(of(*plan, zone::ChangeAction::remove), std::vector<std::string>{stale});
    EXPECT_EQ(of(*plan, zone::ChangeAction::add), std::vector<std::string>{"\"" + kWanted + "\""});
    EXPECT_EQ(plan->served, std::vector<std::string>{"v=TLSRPTv1; rua=mailto:old@example.test"});
    // The whole RRset as seen is the prerequisite: a change by anyone else in between fails it.
    EXPECT_EQ(plan->change.expected[0].rdatas, (std::vector<std::string>{foreign, stale}));
}

TEST(TlsrptRecordPlan, RemovesASecondTlsrptRecordBesideOurs) {
    // Two TLSRPT records make senders use none (RFC 8460 section 3).
    const std::string other = "\"v=TLSRPTv1;rua=https://other.example/r\"";
    auto plan = plan_tlsrpt_record(kZone, served({"\"" + kWanted + "\"", other}), kWanted, 600);
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(plan->kind, TlsrptRecordPlan::Kind::change);
    EXPECT_EQ(of(*plan, zone::ChangeAction::remove), std::vector<std::string>{other});
    EXPECT_TRUE(of(*plan, zone::ChangeAction::add).empty());
}

TEST(TlsrptRecordPlan, ALongRecordGoesIn255ByteStringsThatReadBackAsIt) {
    std::vector<std::string> rua;
    for (int i = 0; i < 4; ++i)
        rua.push_back("https://reports" + std::to_string(i) + ".example.test/" +
                      std::string(120, 'p'));
    auto wanted = tlsrpt_record_text(rua);
    ASSERT_TRUE(wanted.ok());
    auto plan = plan_tlsrpt_record(kZone, served({}), *wanted, 600);
    ASSERT_TRUE(plan.ok());
    const auto added = of(*plan, zone::ChangeAction::add);
    ASSERT_EQ(added.size(), 1u);
    auto joined = zone::txt_joined(added[0]);
    ASSERT_TRUE(joined.ok());
    EXPECT_EQ(*joined, *wanted);
    EXPECT_TRUE(zone::build_update(plan->change).ok());
    // Served back, the record is in step.
    auto canonical = zone::canonical_rdata(LDNS_RR_TYPE_TXT, added[0]);
    ASSERT_TRUE(canonical.ok());
    plan = plan_tlsrpt_record(kZone, served({*canonical}), *wanted, 600);
    ASSERT_TRUE(plan.ok());
    EXPECT_EQ(plan->kind, TlsrptRecordPlan::Kind::in_step);
}

TEST(TlsrptRecordPlan, EscapedBytesInForeignRecordsAreReadNotMisjudged) {
    const std::string foreign = "\"v=TLSRPTv1\\\"; rua=x\"";  // v=TLSRPTv1"; : not a TLSRPT record
    auto plan = plan_tlsrpt_record(kZone, served({foreign}), kWanted, 600);
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(of(*plan, zone::ChangeAction::remove).empty());
}

}  // namespace
}  // namespace dk::service
