#include "engine/state_json.h"

#include <gtest/gtest.h>

#include "fixtures.h"

namespace dk::engine {
namespace {

using namespace testing;

TEST(StateJson, RoundTripsEveryField) {
    SlotState s;
    s.slot = "mx";
    s.phase = Phase::rolling;
    s.current = key(1);
    s.next = key(2);
    s.next->published_at = epoch + Seconds{5};
    s.previous = key(3);
    s.switch_not_before = epoch + Seconds{1020};
    s.current_cert_not_after = epoch + Seconds{86400};
    s.next_cert_not_after = epoch + Seconds{2 * 86400};
    s.renewal_cert_not_after = epoch + Seconds{3 * 86400};
    s.next_deployed = true;
    s.emergency = true;
    s.failed_verifications = 4;
    s.issuers = {{Bytes(32, 0x10), epoch + Seconds{7}}, {Bytes(32, 0x11), std::nullopt}};
    auto back = slot_state_from_json(to_json(s));
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_EQ(*back, s);
}

TEST(StateJson, RefusesDamagedState) {
    EXPECT_FALSE(slot_state_from_json("").ok());
    EXPECT_FALSE(slot_state_from_json("{}").ok());
    SlotState s;
    s.slot = "mx";
    s.current = key(1);
    std::string text = to_json(s);
    text.replace(text.find("steady"), 6, "sleepy");
    EXPECT_EQ(slot_state_from_json(text).error().kind, ErrorKind::bad_input);
    std::string short_digest = to_json(s);
    short_digest.replace(short_digest.find("0101"), 4, "");
    EXPECT_FALSE(slot_state_from_json(short_digest).ok());
}

}  // namespace
}  // namespace dk::engine
