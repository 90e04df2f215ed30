#include <SQLiteCpp/Database.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "db/migrations.h"
#include "db/store.h"

namespace dk::db {
namespace {

class TlsrptStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-db-tlsrpt-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
    const TimePoint day = from_unix_seconds(1'800'000'000);
};

TlsrptReportRow report(const std::string& org, const std::string& id, TimePoint start) {
    TlsrptFailureRow tlsa{"tlsa-invalid",
                          "192.0.2.1",
                          "mx1.example.test",
                          "",
                          "198.51.100.7",
                          12,
                          "",
                          "X509_V_ERR_DANE_NO_MATCH"};
    TlsrptFailureRow starttls{"starttls-not-supported", "192.0.2.2", "mx2.example.test",
                              "mx2.example.test",       "",          3,
                              "https://info.example/x", ""};
    TlsrptPolicyRow tlsa_policy{
        "tlsa", "example.test",  "3 1 1 aa\n3 1 1 bb", "mx1.example.test", 1000,
        15,     {tlsa, starttls}};
    TlsrptPolicyRow none{"no-policy-found", "example.test", "", "", 5, 0, {}};
    return {org,
            id,
            "tlsrpt@" + org,
            start,
            start + Seconds{86399},
            start + Seconds{90000},
            "file " + id + ".json.gz",
            {tlsa_policy, none}};
}

TEST_F(TlsrptStoreTest, AReportReadsBackWhole) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    const TlsrptReportRow r = report("Big Mail", "r-1", day);
    auto added = store->add_tlsrpt_report(r);
    ASSERT_TRUE(added.ok()) << added.error().message;
    EXPECT_TRUE(*added);
    auto back = store->tlsrpt_reports_since(day);
    ASSERT_TRUE(back.ok()) << back.error().message;
    ASSERT_EQ(back->size(), 1U);
    EXPECT_EQ((*back)[0], r);
}

TEST_F(TlsrptStoreTest, TheSameReportFiledAgainIsStoredOnceOtherOrganizationsApart) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->add_tlsrpt_report(report("Big Mail", "r-1", day)).value());
    TlsrptReportRow again = report("Big Mail", "r-1", day);
    again.source = "maildir 1800.M1.host";
    again.policies.pop_back();
    EXPECT_FALSE(store->add_tlsrpt_report(again).value());
    EXPECT_TRUE(store->add_tlsrpt_report(report("Other Mail", "r-1", day)).value());
    auto back = store->tlsrpt_reports_since(day).value();
    ASSERT_EQ(back.size(), 2U);
    EXPECT_EQ(back[0].source, "file r-1.json.gz");  // the first one kept, untouched
    EXPECT_EQ(back[0].policies.size(), 2U);
    SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READONLY);
    EXPECT_EQ(raw.execAndGet("SELECT COUNT(*) FROM tlsrpt_failures").getInt(), 4);
}

TEST_F(TlsrptStoreTest, SinceKeepsReportsWhoseRangeEndsAtOrAfterIt) {
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE(store->add_tlsrpt_report(report("A", "old", day)).value());
    ASSERT_TRUE(store->add_tlsrpt_report(report("A", "new", day + Seconds{86400})).value());
    auto all = store->tlsrpt_reports_since(TimePoint{}).value();
    ASSERT_EQ(all.size(), 2U);
    EXPECT_EQ(all[0].report_id, "old");
    auto recent = store->tlsrpt_reports_since(day + Seconds{86400}).value();
    ASSERT_EQ(recent.size(), 1U);
    EXPECT_EQ(recent[0].report_id, "new");
    EXPECT_EQ(recent[0].policies[0].failures.size(), 2U);
}

TEST_F(TlsrptStoreTest, VersionFiveDatabaseGainsTheReportTables) {
    {
        SQLite::Database raw(dir_ + "/state.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
        for (int v = 1; v <= 5; ++v) {
            raw.exec(migrations().at(v - 1).sql);
            raw.exec("INSERT INTO schema_version (version) VALUES (" + std::to_string(v) + ")");
        }
    }
    auto store = Store::open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.error().message;
    EXPECT_EQ(store->schema_version().value(), static_cast<int>(migrations().size()));
    EXPECT_EQ(store->live_schema().value(), normalise_schema(expected_schema()));
    EXPECT_TRUE(store->add_tlsrpt_report(report("A", "r", day)).value());
}

}  // namespace
}  // namespace dk::db
