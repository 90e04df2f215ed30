// An NS name that discovery could not resolve is observed as a server that did not answer, named
// in its problem, so "served everywhere" cannot hold while it is unresolved; every discovered
// address carries the NS name it is of.
#include <gtest/gtest.h>

#include "service/observe/dns_view_adapter.h"
#include "tests/unit/zone_publish/fake_dns_server.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

TEST(UnresolvedServer, IsObservedAsUnansweredAndBlocksPropagation) {
    testing::FakeDnsServer server(std::nullopt);
    TlsaViewOptions options;
    options.zone = "example.net.";
    options.servers = {server.address()};
    options.ns_names[server.address().to_string()] = "ns1.example.net.";
    options.unresolved = {{"ns1.provider.test.", "does not exist (validated NXDOMAIN)"}};
    auto view = TlsaView::create(options);
    ASSERT_TRUE(view.ok()) << view.error().message;
    const auto seen = view->observe("_25._tcp.mx1.example.net.", SystemClock().now());
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_TRUE(seen[0].answered) << seen[0].problem;
    EXPECT_EQ(server_origin(seen[0]), "IPv4, NS ns1.example.net.");
    EXPECT_FALSE(seen[1].answered);
    EXPECT_EQ(seen[1].problem,
              "NS ns1.provider.test. cannot be resolved: does not exist (validated NXDOMAIN)");
    EXPECT_EQ(server_origin(seen[1]), "NS ns1.provider.test., no address");

    // The primary alone would be "everywhere"; with the unresolved name it is not.
    auto alone = service::DnsViewAdapter::summarise("_25._tcp.mx1.example.net.", {seen[0]});
    ASSERT_TRUE(alone.ok()) << alone.error().message;
    auto both = service::DnsViewAdapter::summarise("_25._tcp.mx1.example.net.", seen);
    ASSERT_TRUE(both.ok()) << both.error().message;
    EXPECT_TRUE(alone->propagated);
    EXPECT_FALSE(both->propagated);
}

// Many owners on several servers are asked at once; each owner's views come back in the servers'
// order, with the unresolved NS name after them, as observe() gives them one owner at a time.
TEST(ObserveAll, EveryOwnerOnEveryServerInOrder) {
    testing::FakeDnsServer first(std::nullopt);
    testing::FakeDnsServer second(std::nullopt);
    second.set({testing::FakeMode::answer, LDNS_RCODE_NOERROR, 16, 7});
    TlsaViewOptions options;
    options.zone = "example.net.";
    options.servers = {first.address(), second.address()};
    options.unresolved = {{"ns3.provider.test.", "no address"}};
    auto view = TlsaView::create(options);
    ASSERT_TRUE(view.ok()) << view.error().message;
    std::vector<std::string> owners;
    for (int i = 0; i < 40; ++i)
        owners.push_back("_" + std::to_string(1000 + i) + "._tcp.mx.example.net.");
    const auto all = view->observe_all(owners, SystemClock().now(), 8);
    ASSERT_EQ(all.size(), owners.size());
    for (const auto& servers : all) {
        ASSERT_EQ(servers.size(), 3u);
        EXPECT_EQ(servers[0].server.to_string(), first.address().to_string());
        EXPECT_EQ(servers[0].serial, 42u);
        EXPECT_EQ(servers[1].server.to_string(), second.address().to_string());
        EXPECT_EQ(servers[1].serial, 7u);
        EXPECT_EQ(servers[2].ns_name, "ns3.provider.test.");
    }
    const auto one = view->observe(owners[0], SystemClock().now());
    ASSERT_EQ(one.size(), 3u);
    EXPECT_EQ(one[1].serial, 7u);
}

}  // namespace
}  // namespace dk::zone
