// The lookups as shipped, against an in-process server standing in for the resolver: the reply's
// verdict becomes the lookup's result, and a silent resolver is an environment error, not a
// verdict.
#include <gtest/gtest.h>

#include "tests/unit/zone_publish/fake_dns_server.h"
#include "zone/resolver/address_book.h"
#include "zone/resolver/resolver.h"

namespace dk::zone {
namespace {

using testing::FakeBehaviour;
using testing::FakeDnsServer;
using testing::FakeMode;

const std::string kOwner = "_25._tcp.mx1.example.net.";

TEST(ResolverLookup, AnswerWithoutAdIsInsecureAndNotTrusted) {
    FakeDnsServer server(std::nullopt);
    auto reply = ask_resolver(server.address(), kOwner, QueryType::tlsa);
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->verdict, ResolverVerdict::insecure);
    auto tlsa = lookup_tlsa(server.address(), kOwner);
    ASSERT_FALSE(tlsa.ok());
    EXPECT_EQ(tlsa.error().kind, ErrorKind::check_failed);
    EXPECT_NE(tlsa.error().message.find("not DNSSEC-validated"), std::string::npos);
}

TEST(ResolverLookup, ErrorRcodeIsAFailureOfTheEnvironment) {
    FakeDnsServer server(std::nullopt);
    server.set(FakeBehaviour{FakeMode::answer, LDNS_RCODE_SERVFAIL});
    auto reply = ask_resolver(server.address(), "example.net.", QueryType::mx);
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->verdict, ResolverVerdict::failure);
    EXPECT_EQ(reply->rcode, 2);
    auto tlsa = require_tlsa(server.address(), kOwner);
    ASSERT_FALSE(tlsa.ok());
    EXPECT_EQ(tlsa.error().kind, ErrorKind::environment);
}

TEST(ResolverLookup, NxdomainKeepsItsRcode) {
    FakeDnsServer server(std::nullopt);
    server.set(FakeBehaviour{FakeMode::answer, LDNS_RCODE_NXDOMAIN});
    auto reply = ask_resolver(server.address(), "nowhere.example.net.", QueryType::mx);
    ASSERT_TRUE(reply.ok()) << reply.error().message;
    EXPECT_EQ(reply->rcode, rcode_nxdomain);
    EXPECT_EQ(reply->verdict, ResolverVerdict::insecure);  // no AD from this server
}

TEST(ResolverLookup, SilentResolverIsAnErrorNotAVerdict) {
    FakeDnsServer server(std::nullopt);
    server.set(FakeBehaviour{FakeMode::silence});
    auto reply = ask_resolver(server.address(), kOwner, QueryType::tlsa);
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().kind, ErrorKind::environment);
}

TEST(ResolverLookup, HostWithoutAddressesIsAnEnvironmentError) {
    FakeDnsServer server(std::nullopt);
    auto found = resolve_addresses(server.address(), "mx1.example.net.");
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_TRUE(found->empty());
    AddressBook book({}, server.address());
    auto addresses = book.addresses("mx1.example.net");
    ASSERT_FALSE(addresses.ok());
    EXPECT_EQ(addresses.error().kind, ErrorKind::environment);
    EXPECT_NE(addresses.error().message.find("no A or AAAA"), std::string::npos);
}

}  // namespace
}  // namespace dk::zone
