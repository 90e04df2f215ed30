#include "db/store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "db/migrations.h"
#include "db/state_lock.h"

namespace dk::db {
namespace {

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-db-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
    const TimePoint t0 = from_unix_seconds(1'800'000'000);
};

TEST_F(StoreTest, MigrationsProduceTheDocumentedSchema) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->schema_version().value(), static_cast<int>(migrations().size()));
    EXPECT_EQ(store->live_schema().value(), normalise_schema(expected_schema()));
}

TEST_F(StoreTest, ReopeningDoesNotMigrateTwice) {
    { ASSERT_TRUE(Store::open(dir_ + "/state.db").ok()); }
    auto again = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(again->schema_version().value(), static_cast<int>(migrations().size()));
}

TEST_F(StoreTest, DatabaseFileIsPrivate) {
    ASSERT_TRUE(Store::open(dir_ + "/state.db").ok());
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/state.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0u);
}

TEST_F(StoreTest, SlotStateRoundTripsWithItsEvent) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok());
    EXPECT_FALSE(store->slot_state("mx").value().has_value());
    ASSERT_TRUE(store->save_slot("mx", R"({"a":1})", t0, "adopt", "adopted").ok());
    ASSERT_TRUE(store->save_slot("mx", R"({"a":2})", t0 + Seconds{5}, "publish", "add next").ok());
    EXPECT_EQ(store->slot_state("mx").value(), std::optional<std::string>(R"({"a":2})"));
    EXPECT_EQ(store->slot_names().value(), std::vector<std::string>{"mx"});
    auto events = store->events_since(t0).value();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[1].kind, "publish");
    EXPECT_EQ(events[1].at, t0 + Seconds{5});
    EXPECT_EQ(store->events_since(t0 + Seconds{1}).value().size(), 1u);
}

TEST_F(StoreTest, EventsAreAppendOnly) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store->append_event(t0, "mx", "probe", "ok").ok());
    SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE);
    EXPECT_THROW(raw.exec("UPDATE events SET kind = 'forged'"), SQLite::Exception);
    EXPECT_THROW(raw.exec("DELETE FROM events"), SQLite::Exception);
    EXPECT_EQ(store->events_since(t0).value().at(0).kind, "probe");
}

TEST_F(StoreTest, AbandonedTransactionLeavesNothingHalfWritten) {
    {
        auto store = Store::open(dir_ + "/state.db");
        ASSERT_TRUE(store->save_slot("mx", "{}", t0, "adopt", "").ok());
    }
    {
        SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE);
        raw.exec("BEGIN");
        raw.exec("UPDATE slots SET state_json = 'half' WHERE name = 'mx'");
        raw.exec("INSERT INTO events (at, slot, kind, details) VALUES (1, 'mx', 'x', '')");
        // destroyed without COMMIT: a crash between the two writes
    }
    auto store = Store::open(dir_ + "/state.db");
    EXPECT_EQ(store->slot_state("mx").value(), std::optional<std::string>("{}"));
    EXPECT_EQ(store->events_since(from_unix_seconds(0)).value().size(), 1u);
}

TEST_F(StoreTest, OneInstancePerStateDir) {
    const std::string state = dir_ + "/state";
    auto first = StateLock::acquire(state);
    ASSERT_TRUE(first.ok()) << first.error().message;
    const pid_t child = ::fork();
    if (child == 0) {
        auto second = StateLock::acquire(state);
        ::_exit(!second.ok() &&
                        second.error().message.find("another danekeeper holds") != std::string::npos
                    ? 0
                    : 1);
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct stat st {};
    ASSERT_EQ(::stat(state.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(StoreTest, LockIsFreeAgainAfterRelease) {
    const std::string state = dir_ + "/state";
    {
        auto first = StateLock::acquire(state);
        ASSERT_TRUE(first.ok());
    }
    EXPECT_TRUE(StateLock::acquire(state).ok());
}

TEST_F(StoreTest, RefusesAnOpenStateDir) {
    const std::string state = dir_ + "/open";
    ::mkdir(state.c_str(), 0755);
    ::chmod(state.c_str(), 0755);
    auto lock = StateLock::acquire(state);
    ASSERT_FALSE(lock.ok());
    EXPECT_EQ(lock.error().kind, ErrorKind::bad_input);
}

}  // namespace
}  // namespace dk::db
