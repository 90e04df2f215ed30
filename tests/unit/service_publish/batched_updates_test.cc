// apply_batched (service/publish/batched_updates.h) against a zone that takes RFC 2136 messages
// the way a primary does: every prerequisite of a message is checked before anything is
// changed, and a message is applied whole or not at all.
#include "service/publish/batched_updates.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace dk::service {
namespace {

const std::string kZone = "example.test.";

class MemoryZone final : public zone::Publisher {
  public:
    Result<zone::Rrset> read_rrset(const std::string& owner, ldns_rr_type type) override {
        zone::Rrset r{owner, type, 60, {}};
        const auto& set = rrsets[{owner, type}];
        r.rdatas.assign(set.begin(), set.end());
        return r;
    }
    Result<zone::UpdateResult> apply(const zone::ZoneChange& change) override {
        DK_TRY(zone::ZoneChange delta, zone::minimal_delta(change));
        if (delta.changes.empty())
            return zone::UpdateResult{
                zone::UpdateOutcome::unchanged, "", "nothing", serial, true, 0};
        DK_TRY(ldns::PktPtr pkt, zone::build_update(delta));
        DK_TRY(const std::size_t size, zone::wire_size(*pkt));
        message_bytes.push_back(size);
        ++messages;
        for (const auto& c : delta.changes) {
            if (refused_owners.count(c.owner))
                return zone::UpdateResult{
                    zone::UpdateOutcome::refused, "REFUSED", "refused", std::nullopt, false, 1};
        }
        for (const auto& e : delta.expected) {
            const auto& now = rrsets[{e.owner, e.type}];
            if (std::set<std::string>(e.rdatas.begin(), e.rdatas.end()) != now)
                return zone::UpdateResult{zone::UpdateOutcome::prerequisite_failed,
                                          "NXRRSET",
                                          "prerequisite failed",
                                          std::nullopt,
                                          false,
                                          1};
        }
        for (const auto& c : delta.changes) {
            auto& set = rrsets[{c.owner, c.type}];
            if (c.action == zone::ChangeAction::add) set.insert(c.rdata);
            if (c.action == zone::ChangeAction::remove) set.erase(c.rdata);
        }
        ++serial;
        return zone::UpdateResult{
            zone::UpdateOutcome::applied, "NOERROR", "applied", serial, true, 1};
    }
    std::map<std::pair<std::string, ldns_rr_type>, std::set<std::string>> rrsets;
    std::set<std::string> refused_owners;
    std::vector<std::size_t> message_bytes;
    int messages = 0;
    std::uint32_t serial = 1;
};

std::string hash(int slot, int key) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%04x%04x", slot & 0xffff, key & 0xffff);
    std::string h;
    while (h.size() < 64) h += buf;
    return h;
}

std::string owner(int slot, int endpoint) {
    return "_" + std::to_string(38000 + 4 * slot + endpoint) + "._tcp.mx" + std::to_string(slot) +
           "." + kZone;
}

// One slot's step: at each of its owners, add its next key's record beside the current one.
zone::ZoneChange add_next(int slot, int owners = 4) {
    zone::ZoneChange c;
    c.zone = kZone;
    for (int e = 0; e < owners; ++e) {
        c.expected.push_back({owner(slot, e), LDNS_RR_TYPE_TLSA, 5, {"3 1 1 " + hash(slot, 1)}});
        c.changes.push_back({zone::ChangeAction::add, owner(slot, e), LDNS_RR_TYPE_TLSA, 5,
                             "3 1 1 " + hash(slot, 2)});
    }
    return c;
}

class BatchedUpdatesTest : public ::testing::Test {
  protected:
    // `slots` slots, each serving its current key's record at its owners.
    std::vector<zone::ZoneChange> slots_adding_next(int slots, int owners = 4) {
        std::vector<zone::ZoneChange> out;
        for (int s = 0; s < slots; ++s) {
            for (int e = 0; e < owners; ++e)
                zone.rrsets[{owner(s, e), LDNS_RR_TYPE_TLSA}] = {"3 1 1 " + hash(s, 1)};
            out.push_back(add_next(s, owners));
        }
        return out;
    }
    bool serves_next(int slot, int owners = 4) {
        for (int e = 0; e < owners; ++e) {
            if (zone.rrsets[{owner(slot, e), LDNS_RR_TYPE_TLSA}] !=
                std::set<std::string>{"3 1 1 " + hash(slot, 1), "3 1 1 " + hash(slot, 2)})
                return false;
        }
        return true;
    }
    std::set<std::string>& records_at(const std::string& name) {
        return zone.rrsets[{name, LDNS_RR_TYPE_TLSA}];
    }
    MemoryZone zone;
};

TEST_F(BatchedUpdatesTest, AHundredSlotsFourHundredOwnersGoInOneMessage) {
    const auto changes = slots_adding_next(100);
    const auto results = apply_batched(zone, changes);
    EXPECT_EQ(zone.messages, 1);
    ASSERT_EQ(results.size(), 100U);
    for (int s = 0; s < 100; ++s) {
        ASSERT_TRUE(results[s] && results[s]->ok()) << s;
        EXPECT_EQ((*results[s])->outcome, zone::UpdateOutcome::applied);
        EXPECT_TRUE(serves_next(s)) << s;
    }
    EXPECT_LE(zone.message_bytes[0], max_update_bytes);
}

TEST_F(BatchedUpdatesTest, MoreThanAMessageHoldsIsSplitNeverWithinASlot) {
    // 300 slots x 4 owners, each owner about 180 bytes without name compression (the bound the
    // batching keeps): about 216 KB, in 64 KB messages.
    const auto changes = slots_adding_next(300);
    const auto results = apply_batched(zone, changes);
    EXPECT_GE(zone.messages, 2);
    EXPECT_LE(zone.messages, 4);
    for (const std::size_t bytes : zone.message_bytes) EXPECT_LE(bytes, max_update_bytes);
    for (int s = 0; s < 300; ++s) {
        ASSERT_TRUE(results[s] && results[s]->ok()) << s;
        EXPECT_EQ((*results[s])->outcome, zone::UpdateOutcome::applied) << s;
        EXPECT_TRUE(serves_next(s)) << s;
    }
}

TEST_F(BatchedUpdatesTest, ASmallLimitSplitsWithEachSlotWholeInOneMessage) {
    const auto changes = slots_adding_next(10);
    const std::size_t one_slot = [&] {
        auto pkt = zone::build_update(changes[0]);
        return *zone::wire_size(**pkt);
    }();
    // Room for four slots as they travel, but fewer without name compression (the bound the
    // batching keeps): two or three a message.
    const auto results = apply_batched(zone, changes, one_slot * 4);
    EXPECT_GE(zone.messages, 4);
    EXPECT_LE(zone.messages, 5);
    for (const std::size_t bytes : zone.message_bytes) EXPECT_LE(bytes, one_slot * 4);
    for (int s = 0; s < 10; ++s) {
        ASSERT_TRUE(results[s] && results[s]->ok()) << s;
        EXPECT_TRUE(serves_next(s)) << s;
    }
}

TEST_F(BatchedUpdatesTest, ARefusedBatchChangesNothingAndEachSlotIsSentAlone) {
    auto changes = slots_adding_next(3);
    // Someone else added a record at slot 1's second owner after the engine looked.
    zone.rrsets[{owner(1, 1), LDNS_RR_TYPE_TLSA}].insert("3 1 1 " + hash(99, 9));
    const auto results = apply_batched(zone, changes);
    // The batch (refused whole: the zone still held none of it), then one message per slot.
    EXPECT_EQ(zone.messages, 4);
    ASSERT_TRUE(results[0] && results[0]->ok());
    ASSERT_TRUE(results[1] && results[1]->ok());
    ASSERT_TRUE(results[2] && results[2]->ok());
    EXPECT_EQ((*results[0])->outcome, zone::UpdateOutcome::applied);
    EXPECT_EQ((*results[1])->outcome, zone::UpdateOutcome::prerequisite_failed);
    EXPECT_EQ((*results[2])->outcome, zone::UpdateOutcome::applied);
    EXPECT_TRUE(serves_next(0));
    EXPECT_TRUE(serves_next(2));
    // Slot 1: none of its owners got its record, not even those whose prerequisite held.
    for (int e = 0; e < 4; ++e) EXPECT_EQ(records_at(owner(1, e)).count("3 1 1 " + hash(1, 2)), 0U);
}

TEST_F(BatchedUpdatesTest, ABatchRefusedByPolicyIsAlsoSentSlotBySlot) {
    auto changes = slots_adding_next(3);
    zone.refused_owners.insert(owner(2, 0));
    const auto results = apply_batched(zone, changes);
    EXPECT_EQ(zone.messages, 4);
    EXPECT_EQ((*results[0])->outcome, zone::UpdateOutcome::applied);
    EXPECT_EQ((*results[1])->outcome, zone::UpdateOutcome::applied);
    EXPECT_EQ((*results[2])->outcome, zone::UpdateOutcome::refused);
    EXPECT_FALSE(serves_next(2));
}

TEST_F(BatchedUpdatesTest, TwoSlotsOfOneOwnerAreNotSentTogether) {
    auto changes = slots_adding_next(2);
    // Slot 1 (the other algorithm of slot 0's endpoints) adds its record at slot 0's first owner.
    zone::ZoneChange other;
    other.zone = kZone;
    other.expected.push_back({owner(0, 0), LDNS_RR_TYPE_TLSA, 5, {"3 1 1 " + hash(0, 1)}});
    other.changes.push_back(
        {zone::ChangeAction::add, owner(0, 0), LDNS_RR_TYPE_TLSA, 5, "3 1 1 " + hash(7, 7)});
    changes[1] = other;
    const auto results = apply_batched(zone, changes);
    EXPECT_EQ(zone.messages, 1);
    ASSERT_TRUE(results[0] && results[0]->ok());
    EXPECT_EQ((*results[0])->outcome, zone::UpdateOutcome::applied);
    EXPECT_FALSE(results[1]);  // not sent: its slot looks again and plans from what is served
    EXPECT_EQ(records_at(owner(0, 0)).count("3 1 1 " + hash(7, 7)), 0U);
}

TEST_F(BatchedUpdatesTest, SlotsWithNothingToChangeSendNoMessage) {
    auto changes = slots_adding_next(3);
    for (int s = 0; s < 3; ++s) {
        for (int e = 0; e < 4; ++e)
            zone.rrsets[{owner(s, e), LDNS_RR_TYPE_TLSA}].insert("3 1 1 " + hash(s, 2));
        for (auto& e : changes[s].expected) e.rdatas.push_back("3 1 1 " + hash(s, 2));
    }
    const auto results = apply_batched(zone, changes);
    EXPECT_EQ(zone.messages, 0);
    for (const auto& r : results) {
        ASSERT_TRUE(r && r->ok());
        EXPECT_EQ((*r)->outcome, zone::UpdateOutcome::unchanged);
    }
}

}  // namespace
}  // namespace dk::service
