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

}  // namespace
}  // namespace dk::zone
