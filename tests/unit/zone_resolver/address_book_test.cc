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

}  // namespace
}  // namespace dk::zone
