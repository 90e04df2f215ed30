// The signing state the daemon keeps of a signed-file zone between slot runs (SigningHolds):
// the next run's publisher takes it up, the refresh pass uses it, a reload drops it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "service/signing/signed_file_publisher.h"

namespace dk::service {
namespace {

const std::string owner = "_25._tcp.mx1.example.test.";
const std::string tlsa1 = "3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062";
const std::string tlsa2 = "3 1 1 1111111111111111111111111111111111111111111111111111111111111111";

zone::ZoneChange change(zone::ChangeAction action, const std::string& rdata,
                        std::vector<std::string> expected) {
    return zone::ZoneChange{"example.test.",
                            {{action, owner, LDNS_RR_TYPE_TLSA, 300, rdata}},
                            {{owner, LDNS_RR_TYPE_TLSA, 300, std::move(expected)}}};
}

class SigningHoldsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char templ[] = "/tmp/dk-holds-XXXXXX";
        ASSERT_NE(mkdtemp(templ), nullptr);
        dir = templ;
        std::ofstream(dir + "/zone.db") << "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n"
                                           "  NS ns1\nns1 A 192.0.2.1\nmx1 A 192.0.2.2\n";
        auto parsed =
            config::parse_config("state_dir = \"" + dir +
                                     "/state\"\n[[zone]]\n"
                                     "name = \"example.test\"\npublisher = \"signed-file\"\n"
                                     "unsigned_file = \"" +
                                     dir +
                                     "/zone.db\"\n"
                                     "signed_file = \"" +
                                     dir +
                                     "/zone.signed\"\n"
                                     "keys_dir = \"" +
                                     dir +
                                     "/keys\"\n"
                                     "authoritative = [\"192.0.2.53:53\"]\n"
                                     "[[key]]\nname = \"mx\"\n"
                                     "endpoints = [\"mx1.example.test:25\"]\n"
                                     "cert_file = \"" +
                                     dir +
                                     "/chain.pem\"\n"
                                     "key_file = \"" +
                                     dir +
                                     "/key.pem\"\n"
                                     "issue_command = [\"/bin/false\"]\n",
                                 "dk.toml");
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        config = std::move(*parsed);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }

    // One slot run's publisher of the zone, applying `c`.
    void slot_run(const zone::ZoneChange& c) {
        auto publisher =
            SignedFilePublisher::create(config, config.zones.at(0), clock, SetUp::allowed, &holds);
        ASSERT_TRUE(publisher.ok()) << publisher.error().message;
        auto r = (*publisher)->files().apply(c);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(r->outcome, zone::UpdateOutcome::applied);
        clock.advance(std::chrono::seconds(60));
    }

    std::string dir;
    config::Config config;
    FakeClock clock{from_unix_seconds(1'800'000'000)};
    SigningHolds holds;
};

TEST_F(SigningHoldsTest, TheNextSlotRunTakesUpTheZonesStateUntilAReload) {
    const std::string& zone = config.zones.at(0).name;
    slot_run(change(zone::ChangeAction::add, tlsa1, {}));
    const auto held = holds.of(zone);
    ASSERT_TRUE(held->unsigned_zone.has_value());
    ASSERT_TRUE(held->kept.prepared.has_value());
    const std::uint64_t generation = held->unsigned_zone->generation;
    const std::size_t updates = held->kept.prepared->updates;

    slot_run(change(zone::ChangeAction::add, tlsa2, {tlsa1}));
    EXPECT_EQ(holds.of(zone), held);
    EXPECT_EQ(held->unsigned_zone->generation, generation);  // the file not parsed again
    EXPECT_EQ(held->kept.prepared->updates, updates + 1);    // the zone changed in place
    EXPECT_FALSE(held->kept.blocks.blocks.empty());

    // The daemon's refresh pass goes through the same state: nothing is due, nothing read anew.
    const auto signed_before = std::filesystem::last_write_time(dir + "/zone.signed");
    refresh_signed_zones(config, clock, &holds);
    EXPECT_EQ(held->unsigned_zone->generation, generation);
    EXPECT_EQ(std::filesystem::last_write_time(dir + "/zone.signed"), signed_before);

    // A reload (SIGHUP) drops it: the next run reads the zone again.
    holds.clear();
    const auto after_reload = holds.of(zone);
    EXPECT_NE(after_reload, held);
    EXPECT_FALSE(after_reload->unsigned_zone.has_value());
    slot_run(change(zone::ChangeAction::remove, tlsa2, {tlsa1, tlsa2}));
    ASSERT_TRUE(after_reload->unsigned_zone.has_value());
    EXPECT_NE(after_reload->unsigned_zone->generation, generation);
}

}  // namespace
}  // namespace dk::service
