// The address book's sources before any DNS question: the configured overrides, then address
// literals; without a resolver a host name cannot be looked up.
#include "zone/resolver/address_book.h"

#include <gtest/gtest.h>

namespace dk::zone {
namespace {

TEST(AddressBook, OverrideByAbsoluteName) {
    AddressBook book({{"mx1.example.net.", {"192.0.2.25", "2001:db8::25"}}}, std::nullopt);
    auto found = book.addresses("mx1.example.net");
    ASSERT_TRUE(found.ok()) << found.error().message;
    EXPECT_EQ(*found, (std::vector<std::string>{"192.0.2.25", "2001:db8::25"}));
}

TEST(AddressBook, LiteralsAreThemselves) {
    AddressBook book({}, std::nullopt);
    EXPECT_EQ(*book.addresses("192.0.2.7"), (std::vector<std::string>{"192.0.2.7"}));
    EXPECT_EQ(*book.addresses("2001:db8::7"), (std::vector<std::string>{"2001:db8::7"}));
}

TEST(AddressBook, NameWithoutResolverIsBadInput) {
    AddressBook book({}, std::nullopt);
    auto found = book.addresses("mx1.example.net");
    ASSERT_FALSE(found.ok());
    EXPECT_EQ(found.error().kind, ErrorKind::bad_input);
}

TEST(AddressBook, AProbeAddressIsTheOnlyAddressOfItsEndpoint) {
    // Even over an override for the host: the probe address belongs to this endpoint only.
    AddressBook book({{"mx1.example.net.", {"192.0.2.25"}}}, std::nullopt);
    const Endpoint behind_lb = parse_endpoint("smtp://mx1.example.net:25@10.0.0.25:2525").value();
    EXPECT_EQ(*book.addresses(behind_lb), (std::vector<std::string>{"10.0.0.25"}));
    const Endpoint plain = parse_endpoint("mx1.example.net:465").value();
    EXPECT_EQ(*book.addresses(plain), (std::vector<std::string>{"192.0.2.25"}));
    // No resolver is needed for it.
    AddressBook bare({}, std::nullopt);
    EXPECT_EQ(*bare.addresses(parse_endpoint("imap://imap.example.net:143@192.0.2.143").value()),
              (std::vector<std::string>{"192.0.2.143"}));
    EXPECT_FALSE(bare.addresses(parse_endpoint("imap.example.net:143").value()).ok());
}

}  // namespace
}  // namespace dk::zone
