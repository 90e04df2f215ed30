// --since: every accepted form, and one test per way it can be wrong.
#include "ops/since.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);

TEST(Since, Rfc3339Utc) {
    auto t = parse_since("2026-11-24T12:00:00Z", now);
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(iso_time(*t), "2026-11-24T12:00:00Z");
}

TEST(Since, UnixSeconds) {
    EXPECT_EQ(unix_seconds(*parse_since("1700000000", now)), 1'700'000'000);
    EXPECT_EQ(unix_seconds(*parse_since("0", now)), 0);
}

TEST(Since, Ages) {
    EXPECT_EQ(*parse_since("90s", now), now - Seconds{90});
    EXPECT_EQ(*parse_since("30m", now), now - Seconds{1800});
    EXPECT_EQ(*parse_since("12h", now), now - Seconds{43200});
    EXPECT_EQ(*parse_since("7d", now), now - Seconds{7 * 86400});
}

TEST(Since, BadInputIsOneLineNamingTheOption) {
    for (const char* text :
         {"", "yesterday", "7w", "-5", "-5d", "d", "2026-11-24", "2026-11-24 12:00:00Z",
          "2026-13-01T00:00:00Z", "2026-02-31T00:00:00Z", "2026-11-24T25:00:00Z",
          "2026-11-24T12:00:00+01:00", "1e9", "99999999999999999999d"}) {
        auto t = parse_since(text, now);
        ASSERT_FALSE(t.ok()) << text;
        EXPECT_EQ(t.error().kind, ErrorKind::bad_input);
        EXPECT_EQ(t.error().message.find('\n'), std::string::npos);
        EXPECT_EQ(t.error().message.rfind("--since: ", 0), 0u);
    }
}

}  // namespace
}  // namespace dk::ops
