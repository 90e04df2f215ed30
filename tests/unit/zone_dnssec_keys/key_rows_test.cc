// Key records through SQLite and back, and rows the program never writes refused by name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "service/signing/dnssec_key_rows.h"
#include "zone/dnssec_keys/transitions.h"

namespace dk::service {
namespace {

using namespace zone::dnssec_keys;

TEST(DnssecKeyRows, RoundTripThroughTheStateDatabase) {
    char dir[] = "/tmp/dk-keyrows-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    const std::string path = std::string(dir) + "/state.db";
    const TimePoint t0 = from_unix_seconds(1'800'000'000);
    ZoneKeys keys;
    keys.zone = "example.test.";
    KeyRecord a =
        new_key_record(4711, 13, Role::ksk, std::string("\x01\x01\x03\x0d\xaa\xbb", 6), t0);
    a.state = KeyState::retired;
    a.activated = t0 + Seconds{5};
    a.state_since = t0 + Seconds{60};
    a.state_serial = 4000000000U;
    a.state_seen = t0 + Seconds{70};
    a.ds_seen = t0 + Seconds{30};
    a.state_seen_mono =
        MonotonicMark{"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Seconds{98765}, Seconds{4321}, false};
    a.ds_seen_mono =
        MonotonicMark{"0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", Seconds{5}, Seconds{0}, true};
    a.roll_requested = true;
    KeyRecord b = new_key_record(815, 15, Role::zsk, std::string("\x01\x00\x03\x0f\x01", 5), t0);
    b.ds_gone = t0 + Seconds{1};
    keys.keys = {a, b};
    {
        auto store = db::Store::open(path).value();
        ASSERT_TRUE(save_zone_keys(store, keys, t0, "dnssec_key_step", "test", 77U).ok());
        ZoneKeys other;
        other.zone = "other.test.";
        ASSERT_TRUE(save_zone_keys(store, other, t0, "dnssec_observed", "").ok());
    }
    auto store = db::Store::open(path).value();
    auto loaded = load_zone_keys(store, "example.test.");
    ASSERT_TRUE(loaded.ok()) << loaded.error().message;
    ASSERT_EQ(loaded->keys.size(), 2U);
    EXPECT_EQ(loaded->zone, keys.zone);
    for (std::size_t i = 0; i < 2; ++i) {
        EXPECT_EQ(to_row(keys.zone, loaded->keys[i]), to_row(keys.zone, keys.keys[i])) << i;
        EXPECT_EQ(loaded->keys[i], keys.keys[i]) << i;
    }
    auto events = store.events_since(t0).value();
    ASSERT_EQ(events.size(), 2U);
    EXPECT_EQ(events[0].zone.value_or(""), "example.test.");
    EXPECT_EQ(events[0].serial.value_or(0), 77U);
    std::filesystem::remove_all(dir);
}

TEST(DnssecKeyRows, RefusesValuesWeNeverWrite) {
    db::DnssecKeyRow row =
        to_row("example.test.",
               new_key_record(1, 13, Role::zsk, std::string("\x01\x00\x03\x0d\x01", 5), {}));
    EXPECT_TRUE(from_row(row).ok());
    auto bad_state = row;
    bad_state.state = "dancing";
    EXPECT_NE(from_row(bad_state).error().message.find("state"), std::string::npos);
    auto bad_role = row;
    bad_role.role = "csk";
    EXPECT_NE(from_row(bad_role).error().message.find("role"), std::string::npos);
    auto bad_key = row;
    bad_key.dnskey_hex = "zz";
    EXPECT_NE(from_row(bad_key).error().message.find("dnskey"), std::string::npos);
    auto bad_tag = row;
    bad_tag.tag = 70000;
    EXPECT_FALSE(from_row(bad_tag).ok());
    for (const char* text : {"", "boot", "boot 1 2", "boot 1 2 3", "boot -1 2 1", "boot 1 x 0"}) {
        auto bad_mark = row;
        bad_mark.state_seen_mono = text;
        EXPECT_NE(from_row(bad_mark).error().message.find("state_seen_mono"), std::string::npos)
            << text;
    }
}

}  // namespace
}  // namespace dk::service
