#include "service/state/sql_state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "engine/state_json.h"
#include "fixtures.h"

namespace dk::service {
namespace {

class SqlStateStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-state-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
    FakeClock clock_{engine::testing::epoch};
};

engine::SlotState state_of(const std::string& slot, std::uint8_t tag) {
    engine::SlotState s;
    s.slot = slot;
    s.current = engine::testing::key(tag);
    return s;
}

// The one-statement read answers for every slot exactly what one read per slot answers: the
// state, "not adopted" for a slot never saved, and the same error for a damaged state.
TEST_F(SqlStateStoreTest, LoadAllAnswersWhatLoadAnswersForEverySlot) {
    auto store = db::Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    SqlStateStore states(*store, clock_);
    for (std::uint8_t i = 0; i < 5; ++i)
        ASSERT_TRUE(states.save(state_of("b" + std::to_string(i), i + 1), "adopt", "").ok());
    auto rolling = state_of("b2", 3);
    rolling.phase = engine::Phase::rolling;
    rolling.next = engine::testing::key(9);
    ASSERT_TRUE(states.save(rolling, "publish", "").ok());  // saved twice: the last one counts
    ASSERT_TRUE(
        store->save_slot("damaged", "{\"slot\":", engine::testing::epoch, "adopt", "").ok());
    auto all = states.load_all();
    ASSERT_TRUE(all.ok()) << all.error().message;
    for (const std::string name : {"b0", "b1", "b2", "b3", "b4", "damaged", "never", ""}) {
        SCOPED_TRACE(name);
        const auto one = states.load(name);
        const auto from_all = all->load(name);
        ASSERT_EQ(from_all.ok(), one.ok());
        if (one.ok()) {
            EXPECT_EQ(*from_all, *one);
        } else {
            EXPECT_EQ(from_all.error().kind, one.error().kind);
            EXPECT_EQ(from_all.error().message, one.error().message);
        }
    }
    EXPECT_EQ(all->load("b2").value()->next, rolling.next);
    EXPECT_FALSE(all->load("never").value().has_value());
    EXPECT_FALSE(all->load("damaged").ok());
}

// An empty store: every slot reads as not adopted.
TEST_F(SqlStateStoreTest, LoadAllOfAnEmptyStoreIsNotAdoptedEverywhere) {
    auto store = db::Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    SqlStateStore states(*store, clock_);
    auto all = states.load_all();
    ASSERT_TRUE(all.ok()) << all.error().message;
    EXPECT_FALSE(all->load("b0").value().has_value());
}

}  // namespace
}  // namespace dk::service
