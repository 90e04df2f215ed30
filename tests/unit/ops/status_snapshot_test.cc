// The status snapshot: what the daemon writes reads back the same; anything else in the file is
// one line naming the field, never a report built on it.
#include "ops/status_snapshot.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

StatusSnapshot sample() {
    StatusSnapshot s;
    s.written_at = now;
    s.runs = {now - Seconds{30}, 3, Seconds{300}, 3, 9};
    s.slots.push_back({"mx", true, now + Seconds{40 * 86400}, 30, 2, now + Seconds{600}});
    s.slots.push_back({"new", false, std::nullopt, 14, 0, std::nullopt});
    s.tlsrpt.push_back({"Company-X", 303, now - Seconds{3600}});
    return s;
}

std::string with(const std::string& from, const std::string& to) {
    std::string text = snapshot_json(sample());
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

TEST(StatusSnapshot, ReadsBackWhatWasWritten) {
    const auto back = parse_snapshot(snapshot_json(sample()), "status.json");
    ASSERT_TRUE(back.ok()) << back.error().message;
    const auto want =
        format_nagios(status_nagios(sample().slots, sample().runs, now, sample().tlsrpt));
    EXPECT_EQ(format_nagios(status_nagios(back->slots, back->runs, now, back->tlsrpt)), want);
    ASSERT_EQ(back->tlsrpt.size(), 1u);
    EXPECT_EQ(back->tlsrpt[0].sessions, 303);
    EXPECT_EQ(back->tlsrpt[0].latest_end, now - Seconds{3600});
    EXPECT_EQ(back->runs.interval, Seconds{300});
    EXPECT_EQ(back->runs.critical_factor, 9);
    EXPECT_EQ(back->slots.at(0).switch_not_before, now + Seconds{600});
    EXPECT_FALSE(back->slots.at(1).adopted);
}

TEST(StatusSnapshot, EachBadFieldIsOneLineNamingIt) {
    const struct {
        std::string text;
        std::string message;
    } cases[] = {
        {"", "status.json: not a danekeeper status snapshot (JSON object)"},
        {"[1]", "status.json: not a danekeeper status snapshot (JSON object)"},
        {"{\"format\": 1", "status.json: not a danekeeper status snapshot (JSON object)"},
        {with("danekeeper-status-1", "other"), "status.json: format: not danekeeper-status-1"},
        {with("\"run_interval_seconds\": 300", "\"run_interval_seconds\": 0"),
         "status.json: run_interval_seconds: must be an integer in 1..31536000"},
        {with("\"last_run\": 1789999970", "\"last_run\": \"yesterday\""),
         "status.json: last_run: must be Unix seconds (0..8589934592) or null"},
        // found by fuzz.status_snapshot: nanoseconds since 1970 overflow 64 bits after 2262
        {with("\"last_run\": 1789999970", "\"last_run\": 1789999970000"),
         "status.json: last_run: must be Unix seconds (0..8589934592) or null"},
        {with("\"written_at\": 1790000000", "\"written_at\": -1"),
         "status.json: written_at: must be an integer in 0..8589934592"},
        {with("\"failed_verifications\": 2", "\"failed_verifications\": -1"),
         "status.json: slots[0].failed_verifications: must be an integer in 0..1073741824"},
        {with("\"adopted\": true", "\"adopted\": 1"),
         "status.json: slots[0].adopted: must be true or false"},
        {with("\"slots\": [", "\"slot\": ["),
         "status.json: slots: must be an array of at most 10000"},
        {with("\"slot\": \"mx\",", ""), "status.json: slots[0].slot: missing"},
        {with("\"sessions\": 303", "\"sessions\": 0"),
         "status.json: tlsrpt_dane_failures[0].sessions: must be an integer in "
         "1..9007199254740992"},
        {with("\"tlsrpt_dane_failures\": [", "\"tlsrpt_dane_failures\": 7, \"x\": ["),
         "status.json: tlsrpt_dane_failures: must be an array of at most 1000"},
        {"{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}", "status.json: nested deeper than a status snapshot"},
    };
    for (const auto& c : cases) {
        const auto r = parse_snapshot(c.text, "status.json");
        ASSERT_FALSE(r.ok()) << c.text;
        EXPECT_EQ(r.error().message, c.message) << c.text;
        EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    }
}

TEST(StatusSnapshot, ASnapshotWithoutTlsrptReadsAsNoneReported) {
    std::string text = snapshot_json(sample());
    const auto at = text.find(",\n \"tlsrpt_dane_failures\"");
    ASSERT_NE(at, std::string::npos) << text;
    text.erase(at, text.rfind(']') + 1 - at);
    const auto back = parse_snapshot(text, "status.json");
    ASSERT_TRUE(back.ok()) << back.error().message << "\n" << text;
    EXPECT_TRUE(back->tlsrpt.empty());
}

TEST(StatusSnapshot, DeepNestingAndSizeAreBounded) {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    EXPECT_FALSE(parse_snapshot(deep, "s").ok());
    EXPECT_EQ(parse_snapshot(std::string(max_snapshot_bytes + 1, ' '), "s").error().message,
              "s: larger than 1048576 bytes");
}

}  // namespace
}  // namespace dk::ops
