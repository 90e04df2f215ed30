// Which servers discovery finds from an NS RRset: in-zone names at the primary, out-of-zone names
// through the validating resolver with AD required, A and AAAA both; a name that gives no
// trustworthy address is an unresolved server, never skipped. The resolver's replies are faked
// as ResolverReply values (what read_resolver_reply makes of the wire).
#include "zone/resolver/authoritative.h"

#include <gtest/gtest.h>

#include <map>
#include <utility>

namespace dk::zone {
namespace {

const HostPort primary{"192.0.2.1", 53};
const std::string zone = "example.net.";

ResolverReply answer(std::vector<std::string> addresses) {
    ResolverReply r;
    r.verdict = ResolverVerdict::answer;
    r.addresses = std::move(addresses);
    return r;
}
ResolverReply nodata() {
    ResolverReply r;
    r.verdict = ResolverVerdict::validated_denial;
    return r;
}
ResolverReply nxdomain() {
    ResolverReply r;
    r.verdict = ResolverVerdict::validated_denial;
    r.rcode = rcode_nxdomain;
    return r;
}
ResolverReply insecure(std::vector<std::string> addresses) {
    ResolverReply r = answer(std::move(addresses));
    r.verdict = ResolverVerdict::insecure;
    return r;
}
ResolverReply servfail() {
    ResolverReply r;
    r.rcode = 2;
    return r;
}

// A resolver that answers from a table of (name, type) -> reply; anything else: no reply.
struct FakeResolver {
    std::map<std::pair<std::string, QueryType>, ResolverReply> replies;
    std::vector<std::string> asked;
    AddressLookup lookup() {
        return [this](const std::string& name, QueryType type) -> Result<std::vector<std::string>> {
            asked.push_back(name);
            auto it = replies.find({name, type});
            if (it == replies.end()) return Error::environment("resolver: no reply (timeout)");
            return validated_addresses(it->second);
        };
    }
};

// The primary's own data: in-zone names only.
AddressLookup primary_data(
    std::map<std::pair<std::string, QueryType>, std::vector<std::string>> d) {
    return [d](const std::string& name, QueryType type) -> Result<std::vector<std::string>> {
        auto it = d.find({name, type});
        return it == d.end() ? std::vector<std::string>{} : it->second;
    };
}

TEST(Authoritative, OutOfZoneNameIsResolvedThroughTheResolverBothFamilies) {
    FakeResolver resolver;
    resolver.replies[{"ns1.provider.test.", QueryType::a}] = answer({"198.51.100.53"});
    resolver.replies[{"ns1.provider.test.", QueryType::aaaa}] = answer({"2001:db8::53"});
    const auto found = collect_authoritative(
        primary, zone, {"ns1.example.net.", "NS1.Provider.test."},
        primary_data({{{"ns1.example.net.", QueryType::a}, {"192.0.2.1"}},
                      {{"ns1.example.net.", QueryType::aaaa}, {"2001:db8::1"}}}),
        resolver.lookup());
    EXPECT_TRUE(found.unresolved.empty());
    EXPECT_EQ(
        found.servers,
        (std::vector<HostPort>{
            {"192.0.2.1", 53}, {"2001:db8::1", 53}, {"198.51.100.53", 53}, {"2001:db8::53", 53}}));
    EXPECT_EQ(found.ns_names.at("[2001:db8::53]:53"), "ns1.provider.test.");
    EXPECT_EQ(found.ns_names.at("[2001:db8::1]:53"), "ns1.example.net.");
    // The in-zone name is not asked of the resolver.
    EXPECT_EQ(resolver.asked,
              (std::vector<std::string>{"ns1.provider.test.", "ns1.provider.test."}));
}

TEST(Authoritative, AnAnswerWithoutAdIsRefused) {
    FakeResolver resolver;
    resolver.replies[{"ns1.provider.test.", QueryType::a}] = insecure({"198.51.100.53"});
    resolver.replies[{"ns1.provider.test.", QueryType::aaaa}] = nodata();
    const auto found = collect_authoritative(primary, zone, {"ns1.provider.test."},
                                             primary_data({}), resolver.lookup());
    EXPECT_EQ(found.servers, (std::vector<HostPort>{primary}));  // the address is not used
    ASSERT_EQ(found.unresolved.size(), 1u);
    EXPECT_EQ(found.unresolved[0].ns_name, "ns1.provider.test.");
    EXPECT_NE(found.unresolved[0].problem.find("no AD bit"), std::string::npos)
        << found.unresolved[0].problem;
}

TEST(Authoritative, AnNxdomainTargetIsUnresolvedNotSkipped) {
    FakeResolver resolver;
    resolver.replies[{"gone.provider.test.", QueryType::a}] = nxdomain();
    resolver.replies[{"gone.provider.test.", QueryType::aaaa}] = nxdomain();
    const auto found = collect_authoritative(primary, zone, {"gone.provider.test."},
                                             primary_data({}), resolver.lookup());
    ASSERT_EQ(found.unresolved.size(), 1u);
    EXPECT_NE(found.unresolved[0].problem.find("NXDOMAIN"), std::string::npos)
        << found.unresolved[0].problem;
}

TEST(Authoritative, ServfailTimeoutAndNoAddressAreUnresolved) {
    FakeResolver resolver;
    resolver.replies[{"bogus.provider.test.", QueryType::a}] = servfail();
    resolver.replies[{"bogus.provider.test.", QueryType::aaaa}] = servfail();
    resolver.replies[{"empty.provider.test.", QueryType::a}] = nodata();
    resolver.replies[{"empty.provider.test.", QueryType::aaaa}] = nodata();
    // silent.provider.test. gets no reply at all.
    const auto found = collect_authoritative(
        primary, zone, {"bogus.provider.test.", "empty.provider.test.", "silent.provider.test."},
        primary_data({}), resolver.lookup());
    ASSERT_EQ(found.unresolved.size(), 3u);
    EXPECT_NE(found.unresolved[0].problem.find("SERVFAIL"), std::string::npos);
    EXPECT_EQ(found.unresolved[1].problem, "no A or AAAA record");
    // The same reason for both families is said once.
    EXPECT_EQ(found.unresolved[2].problem, "resolver: no reply (timeout)");
    EXPECT_EQ(found.servers, (std::vector<HostPort>{primary}));
}

TEST(Authoritative, AnAaaaOnlyTargetIsOneIpv6Server) {
    FakeResolver resolver;
    resolver.replies[{"ns6.provider.test.", QueryType::a}] = nodata();
    resolver.replies[{"ns6.provider.test.", QueryType::aaaa}] = answer({"2001:db8::6"});
    const auto found = collect_authoritative(primary, zone, {"ns6.provider.test."},
                                             primary_data({}), resolver.lookup());
    EXPECT_TRUE(found.unresolved.empty());
    EXPECT_EQ(found.servers, (std::vector<HostPort>{primary, {"2001:db8::6", 53}}));
    EXPECT_EQ(address_family("2001:db8::6"), "IPv6");
    EXPECT_EQ(address_family("192.0.2.1"), "IPv4");
}

TEST(Authoritative, AnInZoneNameWithoutAddressIsUnresolved) {
    // Before, any failed lookup was skipped as "out of zone": now an in-zone name without glue
    // is a server that cannot be checked.
    const auto found = collect_authoritative(primary, zone, {"ns2.example.net."}, primary_data({}),
                                             FakeResolver{}.lookup());
    ASSERT_EQ(found.unresolved.size(), 1u);
    EXPECT_EQ(found.unresolved[0].ns_name, "ns2.example.net.");
}

TEST(Authoritative, OneFamilyFailingLeavesTheNameUnresolved) {
    // An AAAA that cannot be trusted is an IPv6 server left unchecked: the name blocks, its
    // IPv4 address alone would prove nothing about the server senders may reach over IPv6.
    FakeResolver resolver;
    resolver.replies[{"ns1.provider.test.", QueryType::a}] = answer({"198.51.100.53"});
    resolver.replies[{"ns1.provider.test.", QueryType::aaaa}] = servfail();
    const auto found = collect_authoritative(primary, zone, {"ns1.provider.test."},
                                             primary_data({}), resolver.lookup());
    ASSERT_EQ(found.unresolved.size(), 1u);
    EXPECT_EQ(found.unresolved[0].problem,
              "AAAA: the resolver answered rcode 2 (SERVFAIL: bogus or unreachable)");
}

}  // namespace
}  // namespace dk::zone
