#include "base/result.h"

#include <gtest/gtest.h>

#include <string>

namespace dk {
namespace {

Result<int> parse_positive(int v) {
    if (v <= 0) return Error::bad_input("not positive: " + std::to_string(v));
    return v;
}

Result<int> doubled(int v) {
    DK_TRY(int x, parse_positive(v));
    return x * 2;
}

Status check(int v) {
    DK_TRY_STATUS(parse_positive(v));
    return {};
}

TEST(Result, CarriesValue) {
    auto r = doubled(21);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, 42);
}

TEST(Result, PropagatesErrorWithKind) {
    auto r = doubled(-1);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(r.error().message, "not positive: -1");
    EXPECT_EQ(r.value_or(7), 7);
}

TEST(Result, StatusPropagates) {
    EXPECT_TRUE(check(1).ok());
    EXPECT_EQ(check(0).error().kind, ErrorKind::bad_input);
}

TEST(Result, ExitCodesFollowConvention) {
    EXPECT_EQ(to_int(exit_code_for(ErrorKind::check_failed)), 1);
    EXPECT_EQ(to_int(exit_code_for(ErrorKind::bad_input)), 2);
    EXPECT_EQ(to_int(exit_code_for(ErrorKind::environment)), 3);
}

TEST(Result, ContextPrefixesAndKeepsKind) {
    const Error e = Error::environment("timeout").context("127.0.0.1:53");
    EXPECT_EQ(e.message, "127.0.0.1:53: timeout");
    EXPECT_EQ(e.kind, ErrorKind::environment);
}

TEST(ResultDeath, ValueOfFailureAborts) {
    auto r = parse_positive(0);
    EXPECT_DEATH({ (void)r.value(); }, "");
}

}  // namespace
}  // namespace dk
