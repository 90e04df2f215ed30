#include "db/store.h"

#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "db/migrations.h"

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

// A file that is no database of ours is refused as it is (bad input naming it), not rewritten.
TEST_F(StoreTest, AForeignOrDamagedFileIsRefusedUnchanged) {
    const std::string path = dir_ + "/state.db";
    {
        FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_NE(f, nullptr);
        std::fputs("garbage garbage garbage garbage", f);
        std::fclose(f);
    }
    for (bool read_only : {false, true}) {
        auto opened = read_only ? Store::open_read_only(path) : Store::open(path);
        ASSERT_FALSE(opened.ok());
        EXPECT_EQ(opened.error().kind, ErrorKind::bad_input) << opened.error().message;
        EXPECT_NE(opened.error().message.find(path), std::string::npos) << opened.error().message;
    }
    EXPECT_EQ(std::filesystem::file_size(path), 31u);
    std::filesystem::remove(path);
    std::filesystem::create_directory(path);
    auto directory = Store::open(path);
    ASSERT_FALSE(directory.ok());
    EXPECT_EQ(directory.error().message, path + ": not a regular file");
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

// What `status` and `log` open, without the lock: nothing created, migrated or written.
TEST_F(StoreTest, ReadOnlyOpenNeitherCreatesNorMigratesNorWrites) {
    const std::string path = dir_ + "/state.db";
    auto absent = Store::open_read_only(path);
    ASSERT_TRUE(absent.ok()) << absent.error().message;
    EXPECT_TRUE(absent->slot_names().value().empty());
    EXPECT_FALSE(std::filesystem::exists(path));

    {
        auto store = Store::open(path);
        ASSERT_TRUE(store.ok());
        ASSERT_TRUE(store->save_slot("mx", "{}", t0, "adopt", "adopted").ok());
    }
    auto existing = Store::open_read_only(path);
    ASSERT_TRUE(existing.ok()) << existing.error().message;
    EXPECT_EQ(existing->slot_names().value(), std::vector<std::string>{"mx"});
    EXPECT_FALSE(existing->save_slot("mx", "{}", t0, "adopt", "again").ok());

    const int newest = static_cast<int>(migrations().size());
    {
        SQLite::Database raw(path, SQLite::OPEN_READWRITE);
        raw.exec("DELETE FROM schema_version WHERE version = " + std::to_string(newest));
    }
    auto stale = Store::open_read_only(path);
    ASSERT_FALSE(stale.ok());
    EXPECT_EQ(stale.error().kind, ErrorKind::environment);
    EXPECT_NE(stale.error().message.find("schema version " + std::to_string(newest - 1)),
              std::string::npos)
        << stale.error().message;
    SQLite::Database raw(path, SQLite::OPEN_READONLY);
    EXPECT_EQ(raw.execAndGet("SELECT MAX(version) FROM schema_version").getInt(), newest - 1);
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

// `status` reads the alerts of one kind in the TLSRPT window, not every event of the window.
TEST_F(StoreTest, EventsSinceOfOneKind) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->append_event(t0, "mx", "tlsrpt_dane_failures", "too early").ok());
    ASSERT_TRUE(store->append_event(t0 + Seconds{10}, "mx", "publish", "add next").ok());
    ASSERT_TRUE(store->append_event(t0 + Seconds{20}, "mx", "tlsrpt_dane_failures", "first").ok());
    ASSERT_TRUE(
        store->append_event(t0 + Seconds{15}, "mx2", "tlsrpt_dane_failures", "second").ok());
    auto alerts = store->events_since(t0 + Seconds{5}, "tlsrpt_dane_failures").value();
    ASSERT_EQ(alerts.size(), 2u);
    EXPECT_EQ(alerts[0].details, "first");  // oldest first means in the order written
    EXPECT_EQ(alerts[1].details, "second");
    EXPECT_EQ(alerts[1].slot, "mx2");
    EXPECT_EQ(alerts[1].at, t0 + Seconds{15});
    EXPECT_EQ(store->events_since(t0 + Seconds{5}).value().size(), 3u);
    EXPECT_TRUE(store->events_since(t0, "retired").value().empty());
}

TEST_F(StoreTest, EventsAreAppendOnly) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store->append_event(t0, "mx", "probe", "ok").ok());
    SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE);
    EXPECT_THROW(raw.exec("UPDATE events SET kind = 'forged'"), SQLite::Exception);
    EXPECT_THROW(raw.exec("DELETE FROM events"), SQLite::Exception);
    EXPECT_EQ(store->events_since(t0).value().at(0).kind, "probe");
}

// Retention: with the clock advancing a day per event, a 3-day bound keeps the events of the
// last 3 days; a row bound keeps the newest rows; with both the tighter wins. Events beyond the
// bound go, and still nothing else can be deleted.
TEST_F(StoreTest, RetentionPrunesTheOldestEventsByAgeAndRows) {
    auto store = Store::open(dir_ + "/state.db");
    FakeClock clock(t0);
    for (int day = 0; day < 10; ++day) {
        ASSERT_TRUE(store->append_event(clock.now(), "mx", "day" + std::to_string(day), "").ok());
        clock.advance(std::chrono::hours(24));
    }
    // now = t0 + 10 days: events of days 7, 8, 9 are younger than 3 days and 1 second.
    const auto by_age =
        store->prune_events({.max_age = Seconds{3 * 86400 + 1}, .max_rows = {}}, clock.now());
    ASSERT_TRUE(by_age.ok()) << by_age.error().message;
    EXPECT_EQ(*by_age, 7);
    auto left = store->events_since(t0).value();
    ASSERT_EQ(left.size(), 3u);
    EXPECT_EQ(left.front().kind, "day7");
    EXPECT_EQ(store->prune_events({.max_age = {}, .max_rows = 2}, clock.now()).value(), 1);
    EXPECT_EQ(store->events_since(t0).value().front().kind, "day8");
    EXPECT_EQ(store->prune_events({.max_age = {}, .max_rows = 2}, clock.now()).value(), 0);
    EXPECT_EQ(store->prune_events({}, clock.now()).value(), 0);  // no bound: keep everything
    clock.advance(std::chrono::hours(24 * 365));
    EXPECT_EQ(store->prune_events({.max_age = Seconds{86400}, .max_rows = 5}, clock.now()).value(),
              2);
    ASSERT_TRUE(store->append_event(clock.now(), "mx", "new", "").ok());
    SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE);
    EXPECT_THROW(raw.exec("DELETE FROM events"), SQLite::Exception);
    EXPECT_EQ(store->events_since(t0).value().size(), 1u);
}

TEST_F(StoreTest, TheLastRunIsReplacedByTheNext) {
    auto store = Store::open(dir_ + "/state.db");
    EXPECT_FALSE(store->last_run().value().has_value());
    ASSERT_TRUE(store->record_run({t0, 1, 2500}).ok());
    ASSERT_TRUE(store->record_run({t0 + Seconds{3600}, 0, 800}).ok());
    EXPECT_EQ(store->last_run().value(), (RunRecord{t0 + Seconds{3600}, 0, 800}));
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

TEST_F(StoreTest, FailedTransactionLeavesNothing) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok());
    Status failed = store->transaction([&]() -> Status {
        DK_TRY_STATUS(store->save_slot("mx", "{}", t0, "adopt", ""));
        DK_TRY_STATUS(store->append_event(t0, "mx", "dns.update", "add next"));
        return Error::environment("primary refused the update");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().message, "primary refused the update");
    EXPECT_FALSE(store->slot_state("mx").value().has_value());
    EXPECT_TRUE(store->events_since(t0).value().empty());
    // The connection is usable afterwards: no transaction left open.
    ASSERT_TRUE(store->save_slot("mx", "{}", t0, "adopt", "").ok());
    EXPECT_EQ(store->events_since(t0).value().size(), 1u);
}

TEST_F(StoreTest, ThrowingBodyRollsBack) {
    auto store = Store::open(dir_ + "/state.db");
    Status failed = store->transaction([&]() -> Status {
        EXPECT_TRUE(store->append_event(t0, "mx", "probe", "ok").ok());
        throw std::runtime_error("bug in a transition");
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().kind, ErrorKind::environment);
    EXPECT_NE(failed.error().message.find("bug in a transition"), std::string::npos);
    EXPECT_TRUE(store->events_since(t0).value().empty());
}

TEST_F(StoreTest, InnerTransactionSharesTheOuterFate) {
    auto store = Store::open(dir_ + "/state.db");
    Status outer = store->transaction([&]() -> Status {
        Status inner_failed = store->transaction([&]() -> Status {
            EXPECT_TRUE(store->append_event(t0, "mx", "inner-failed", "").ok());
            return Error::check_failed("no");
        });
        EXPECT_FALSE(inner_failed.ok());
        DK_TRY_STATUS(store->save_slot("mx", "{}", t0, "inner-ok", ""));
        return {};
    });
    ASSERT_TRUE(outer.ok()) << outer.error().message;
    auto events = store->events_since(t0).value();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, "inner-ok");

    Status rolled_back = store->transaction([&]() -> Status {
        DK_TRY_STATUS(store->save_slot("mx", "{\"b\":1}", t0, "committed-inner", ""));
        return Error::check_failed("outer fails after the inner committed");
    });
    ASSERT_FALSE(rolled_back.ok());
    EXPECT_EQ(store->slot_state("mx").value(), std::optional<std::string>("{}"));
    EXPECT_EQ(store->events_since(t0).value().size(), 1u);
}

TEST_F(StoreTest, CrashInsideATransactionLeavesNothingHalfWritten) {
    {
        ASSERT_TRUE(
            Store::open(dir_ + "/state.db").value().save_slot("mx", "{}", t0, "a", "").ok());
    }
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        auto store = Store::open(dir_ + "/state.db");
        (void)store.value().transaction([&]() -> Status {
            (void)store.value().save_slot("mx", "{\"half\":true}", t0, "switch", "");
            (void)store.value().append_event(t0, "mx", "deploy", "");
            ::_exit(0);  // the process dies between the writes and the commit
        });
        ::_exit(1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->slot_state("mx").value(), std::optional<std::string>("{}"));
    EXPECT_EQ(store->events_since(t0).value().size(), 1u);
}

TEST_F(StoreTest, DnsChangeEventsKeepTheirFields) {
    auto store = Store::open(dir_ + "/state.db");
    Event change{.at = t0,
                 .slot = "mx",
                 .kind = "dns.update",
                 .details = R"({"ns1":"serial 7"})",
                 .zone = "example.net.",
                 .owner = "_25._tcp.mx1.example.net.",
                 .serial = 4294967295u,
                 .rrset_before = "",
                 .rrset_after = "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 AB"};
    ASSERT_TRUE(store->append(change).ok());
    ASSERT_TRUE(store->append_event(t0 + Seconds{1}, "mx", "probe", "ok").ok());
    auto events = store->events_since(t0).value();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].zone, change.zone);
    EXPECT_EQ(events[0].owner, change.owner);
    EXPECT_EQ(events[0].serial, change.serial);
    EXPECT_EQ(events[0].rrset_before, std::optional<std::string>(""));
    EXPECT_EQ(events[0].rrset_after, change.rrset_after);
    EXPECT_EQ(events[0].details, change.details);
    EXPECT_FALSE(events[1].zone.has_value());
    EXPECT_FALSE(events[1].serial.has_value());
    EXPECT_LT(events[0].id, events[1].id);
}

TEST_F(StoreTest, VersionOneDatabaseIsUpgradedKeepingItsEvents) {
    {
        SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        raw.exec(migrations().at(0).sql);
        raw.exec("INSERT INTO schema_version (version) VALUES (1)");
        raw.exec(
            "INSERT INTO events (at, slot, kind, details) VALUES (1800000000, 'mx', 'old', '')");
    }
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->schema_version().value(), static_cast<int>(migrations().size()));
    EXPECT_EQ(store->live_schema().value(), normalise_schema(expected_schema()));
    auto events = store->events_since(t0).value();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, "old");
    EXPECT_FALSE(events[0].owner.has_value());
}

// Version 4 adds the monotonic marks of the DNSSEC keys: rows stored before keep every field and
// have none (their waits count monotonic time from the first run after the upgrade).
TEST_F(StoreTest, VersionThreeDnssecKeysAreUpgradedWithoutMarks) {
    {
        SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        for (int v = 1; v <= 3; ++v) {
            raw.exec(migrations().at(v - 1).sql);
            raw.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v) + ")");
        }
        raw.exec(
            "INSERT INTO dnssec_keys (zone, tag, algorithm, role, state, dnskey, created, "
            "state_since, state_seen) VALUES ('example.test.', 4711, 13, 'zsk', 'published', "
            "'0100030d01', 1800000000, 1800000010, 1800000020)");
    }
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->schema_version().value(), static_cast<int>(migrations().size()));
    EXPECT_EQ(store->live_schema().value(), normalise_schema(expected_schema()));
    auto rows = store->dnssec_keys("example.test.").value();
    ASSERT_EQ(rows.size(), 1U);
    EXPECT_EQ(rows[0].tag, 4711);
    EXPECT_EQ(rows[0].state_seen.value_or(0), 1800000020);
    EXPECT_FALSE(rows[0].state_seen_mono.has_value());
    EXPECT_FALSE(rows[0].ds_seen_mono.has_value());
    rows[0].state_seen_mono = "b00t 100 20 1";
    ASSERT_TRUE(store->save_dnssec_keys("example.test.", rows, Event{.at = t0, .kind = "k"}).ok());
    EXPECT_EQ(store->dnssec_keys("example.test.").value(), rows);
}

TEST_F(StoreTest, NewerSchemaIsLeftAlone) {
    { ASSERT_TRUE(Store::open(dir_ + "/state.db").ok()); }
    {
        SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE);
        raw.exec("INSERT INTO schema_version (version) VALUES (999)");
    }
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.error().kind, ErrorKind::environment);
    EXPECT_NE(store.error().message.find("schema version 999 is newer"), std::string::npos);
}

}  // namespace
}  // namespace dk::db
