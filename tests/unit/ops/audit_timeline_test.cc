// The audit page's timeline from the event log, the slot states, the RRSIG expiries and the
// senders' reports: what each becomes, and the period it is kept to.
#include "ops/audit_timeline.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

const TimePoint now = from_unix_seconds(1'790'000'000);
constexpr Seconds hour{3600};
constexpr Seconds day{86400};

TimelineInput input() {
    TimelineInput in;
    in.now = now;
    in.days = 30;
    return in;
}

TEST(AuditTimeline, ARolloverFromTheLog) {
    auto in = input();
    const TimePoint t1 = now - 10 * hour;
    const TimePoint first_switch = now - 9 * hour;
    const TimePoint second_switch = now - 8 * hour;
    in.steps = {
        {now - 40 * day, "mx", "publish", "publish: add _25._tcp.mx. TLSA 3 1 1 00 (serial 1)"},
        {now - 11 * hour, "mx", "publish",
         "publish next key (and current where missing): add _25._tcp.mx1.example. TLSA 3 1 1 "
         "aa; add _25._tcp.mx2.example. TLSA 3 1 1 aa (serial 5)"},
        {t1, "mx", "mark_published", "next key is served everywhere (t1)"},
        {t1, "mx", "set_switch_time", "earliest safe switch: " + iso_time(first_switch)},
        {t1 + hour / 2, "mx", "set_switch_time",
         "earliest safe switch: " + iso_time(second_switch)},
        {now - 7 * hour, "mx", "deploy", "rollover: deploy the next key"},
        {now - 6 * hour, "mx", "complete_switch", "every endpoint presents the next key"},
        {now - 5 * hour, "mx", "publish",
         "retire: remove _25._tcp.mx1.example. TLSA 3 1 1 bb; add _25._tcp.mx1.example. TLSA 3 "
         "1 1 cc (serial 6)"},
        {now - 4 * hour, "mx", "wait_progress", "waiting"},
    };
    const Timeline t = build_timeline(in);
    EXPECT_EQ(t.from, now - 30 * day);
    EXPECT_EQ(t.lanes, std::vector<std::string>{"mx"});
    std::vector<std::string> marks;
    for (const auto& m : t.marks) marks.push_back(std::string(to_string(m.kind)) + " " + m.text);
    EXPECT_EQ(marks, (std::vector<std::string>{
                         "published published _25._tcp.mx1.example. TLSA 3 1 1 aa",
                         "published published _25._tcp.mx2.example. TLSA 3 1 1 aa",
                         "t1 t1: the next record is served everywhere, validated",
                         "deploy deployed: rollover: deploy the next key",
                         "key switch key switch: every endpoint presents the next key",
                         "retired retired _25._tcp.mx1.example. TLSA 3 1 1 bb",
                         "published published _25._tcp.mx1.example. TLSA 3 1 1 cc",
                     }));
    // One waiting window per t1, to the last switch time set.
    ASSERT_EQ(t.spans.size(), 1U);
    EXPECT_EQ(t.spans[0].from, t1);
    EXPECT_EQ(t.spans[0].to, second_switch);
    EXPECT_EQ(t.spans[0].kind, SpanKind::waiting);
}

TEST(AuditTimeline, TheWaitUnderWayReachesPastNow) {
    auto in = input();
    engine::SlotState s;
    s.slot = "mx";
    s.next = engine::SlotKey{"k", {}, now - day, now - hour, std::nullopt};
    s.switch_not_before = now + 2 * day;
    in.states = {s};
    const Timeline t = build_timeline(in);
    ASSERT_EQ(t.spans.size(), 1U);
    EXPECT_EQ(t.spans[0].from, now - hour);
    EXPECT_EQ(t.spans[0].to, now + 2 * day);
    EXPECT_EQ(t.to, now + 2 * day);
}

TEST(AuditTimeline, RrsigExpiriesAndReportsWithFailures) {
    auto in = input();
    EndpointEvidence e;
    e.owner = "_25._tcp.mx1.example.";
    e.servers = {{"a", true, "", 1, {}, 5, true, now + 5 * day, {}},
                 {"b", true, "", 1, {}, 5, true, now + 4 * day, {}}};
    in.endpoints = {e, e};
    in.reports = {{now - 2 * day, now - day, "Sender Inc.", "r1", 4, 4, "tlsa-invalid (4)"},
                  {now - 2 * day, now - day, "Quiet Inc.", "r2", 0, 0, ""},
                  {now - 90 * day, now - 89 * day, "Old Inc.", "r3", 1, 1, "x (1)"}};
    const Timeline t = build_timeline(in);
    ASSERT_EQ(t.marks.size(), 1U);  // one per owner, the earliest server's
    EXPECT_EQ(t.marks[0].at, now + 4 * day);
    EXPECT_EQ(t.marks[0].kind, MarkKind::rrsig_expiry);
    EXPECT_EQ(t.to, now + 4 * day);
    ASSERT_EQ(t.spans.size(), 1U);
    EXPECT_EQ(t.spans[0].lane, "TLSRPT");
    EXPECT_EQ(t.spans[0].text,
              "Sender Inc. (report r1): 4 failed sessions, 4 DANE: tlsa-invalid (4)");
    EXPECT_EQ(t.lanes, (std::vector<std::string>{"DNSSEC", "TLSRPT"}));
}

TEST(AuditTimeline, TheFutureIsCappedAtTheSamePeriod) {
    auto in = input();
    in.days = 2;
    EndpointEvidence e;
    e.owner = "o.";
    e.servers = {{"a", true, "", 1, {}, 5, true, now + 30 * day, {}}};
    in.endpoints = {e};
    const Timeline t = build_timeline(in);
    EXPECT_EQ(t.to, now + 2 * day);
    EXPECT_TRUE(t.marks.empty());
}

}  // namespace
}  // namespace dk::ops
