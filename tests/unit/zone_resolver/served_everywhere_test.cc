// "Served everywhere" for the TLSA view's servers (as dns-status and the engine's DnsView use
// it) and for the DNSKEY view's servers (as the key planner uses it).
#include "zone/resolver/served_everywhere.h"

#include <gtest/gtest.h>

#include "zone/dnssec_keys/observations.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

ServerView server(std::uint32_t serial, std::vector<std::string> rdatas, bool answered = true) {
    ServerView v;
    v.answered = answered;
    v.serial = serial;
    v.rdatas = std::move(rdatas);
    return v;
}

bool same_as_first(const std::vector<ServerView>& views) {
    return served_everywhere(views, views.front().serial,
                             [&](const ServerView& s) { return s.rdatas == views.front().rdatas; });
}

TEST(ServedEverywhere, EveryServerServesThePrimarysRrset) {
    EXPECT_TRUE(same_as_first({server(10, {"3 1 1 aa"}), server(10, {"3 1 1 aa"})}));
}

TEST(ServedEverywhere, ALaterSerialWithTheSameRrsetCounts) {
    EXPECT_TRUE(same_as_first({server(10, {"3 1 1 aa"}), server(11, {"3 1 1 aa"})}));
    EXPECT_TRUE(same_as_first({server(0xffffffffU, {"3 1 1 aa"}), server(1, {"3 1 1 aa"})}));
}

TEST(ServedEverywhere, AnOlderSerialDoesNot) {
    EXPECT_FALSE(same_as_first({server(10, {"3 1 1 aa"}), server(9, {"3 1 1 aa"})}));
}

TEST(ServedEverywhere, OtherRecordsOrASilentServerDoNot) {
    EXPECT_FALSE(same_as_first({server(10, {"3 1 1 aa"}), server(10, {"3 1 1 bb"})}));
    EXPECT_FALSE(same_as_first({server(10, {"3 1 1 aa"}), server(10, {"3 1 1 aa"}, false)}));
}

TEST(ServedEverywhere, NoServersIsNotEverywhere) {
    EXPECT_FALSE(served_everywhere(std::vector<ServerView>{}, 0, [](const auto&) { return true; }));
}

TEST(ServedEverywhere, DnskeyViewsAtTheStatedSerial) {
    using dnssec_keys::ServerKeys;
    ServerKeys a{"a", true, "", 7, {"key"}, 300};
    ServerKeys b{"b", true, "", 8, {"key"}, 300};
    const auto has_key = [](const ServerKeys& s) { return !s.dnskeys.empty(); };
    EXPECT_TRUE(served_everywhere(std::vector{a, b}, 7, has_key));
    EXPECT_FALSE(served_everywhere(std::vector{a, b}, 8, has_key));
}

}  // namespace
}  // namespace dk::zone
