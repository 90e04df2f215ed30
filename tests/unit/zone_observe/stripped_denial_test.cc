// The observer against an in-process server that answers every TLSA question with an empty
// NOERROR and nothing in the authority section: no NSEC or NSEC3 proves the absence, so the
// server's view is unvalidated, never a validated "absent".
#include <gtest/gtest.h>

#include "tests/unit/zone_publish/fake_dns_server.h"
#include "zone/tlsa_view.h"

namespace dk::zone {
namespace {

TEST(StrippedDenial, EmptyAnswerWithoutProofIsNotValidated) {
    testing::FakeDnsServer server(std::nullopt);
    TlsaViewOptions options;
    options.zone = "example.net.";
    options.servers = {server.address()};
    auto view = TlsaView::create(options);
    ASSERT_TRUE(view.ok()) << view.error().message;
    const auto seen = view->observe("_25._tcp.mx1.example.net.", SystemClock().now());
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_TRUE(seen[0].answered) << seen[0].problem;
    EXPECT_TRUE(seen[0].rdatas.empty());
    EXPECT_FALSE(seen[0].validated);
    EXPECT_EQ(seen[0].verdict, ServedVerdict::unvalidated);
    EXPECT_NE(seen[0].problem.find("no NSEC or NSEC3"), std::string::npos) << seen[0].problem;
}

}  // namespace
}  // namespace dk::zone
