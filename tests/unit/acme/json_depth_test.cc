// A security review's finding: a CA answer nested 100,000 deep (200 KB) crashed the daemon
// (recursion in dump() on an order's or a challenge's error). Every CA document is read with
// its nesting bounded; a deeper one is a bad reply, one line, no crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "acme/directory.h"
#include "acme/json_reply.h"
#include "acme/problem.h"

namespace dk::acme {
namespace {

std::string nested_arrays(std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

// {"a":{"a":...{}...}} with `depth` objects.
std::string nested_objects(std::size_t depth) {
    std::string out;
    for (std::size_t i = 1; i < depth; ++i) out += R"({"a":)";
    out += "{}";
    out += std::string(depth - 1, '}');
    return out;
}

constexpr std::size_t kHostile = 100000;

TEST(JsonDepth, HundredThousandNestedArraysAreABadReplyEverywhere) {
    const std::string deep = nested_arrays(kHostile);
    ASSERT_EQ(deep.size(), 200000U);
    EXPECT_FALSE(parse_problem(deep));
    EXPECT_FALSE(parse_directory(deep, "dir").ok());
    EXPECT_FALSE(parse_order(deep, "order").ok());
    EXPECT_FALSE(parse_authorization(deep, "authz").ok());
    EXPECT_FALSE(parse_challenge(deep, "chal").ok());
    EXPECT_FALSE(parse_account_status(deep, "acct").ok());
    EXPECT_FALSE(parse_renewal_info(deep, "ari").ok());
    auto reply = parse_json_reply(deep, "https://ca/x");
    ASSERT_FALSE(reply.ok());
    EXPECT_EQ(reply.error().message, "https://ca/x: JSON nested deeper than 32 levels");
    EXPECT_EQ(reply.error().kind, ErrorKind::environment);
}

// The members whose text used to be dumped and parsed again: an order's and a challenge's
// error, a problem's subproblems.
TEST(JsonDepth, DeepMembersOfValidLookingObjectsAreRefused) {
    const std::string deep = nested_arrays(kHostile);
    const std::string order = R"({"status":"invalid","authorizations":["https://ca/authz/1"],
        "finalize":"https://ca/fin/1","error":{"type":"urn:ietf:params:acme:error:malformed",
        "detail":)" + deep + "}}";
    auto o = parse_order(order, "https://ca/order/1");
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.error().message, "https://ca/order/1: JSON nested deeper than 32 levels");
    const std::string authz = R"({"status":"invalid","identifier":{"type":"dns","value":"a.test"},
        "challenges":[{"type":"dns-01","url":"https://ca/chal/1","token":"t","status":"invalid",
        "error":)" + nested_objects(kHostile / 8) +
                              "}]}";
    EXPECT_FALSE(parse_authorization(authz, "authz").ok());
    const std::string problem =
        R"({"type":"urn:ietf:params:acme:error:malformed","subproblems":)" + deep + "}";
    EXPECT_FALSE(parse_problem(problem));
}

TEST(JsonDepth, ThirtyTwoLevelsAreReadThirtyThreeAreNot) {
    EXPECT_TRUE(parse_json_reply(nested_arrays(32), "x").ok());
    EXPECT_FALSE(parse_json_reply(nested_arrays(33), "x").ok());
    EXPECT_TRUE(parse_json_reply(nested_objects(32), "x").ok());
    EXPECT_FALSE(parse_json_reply(nested_objects(33), "x").ok());
    auto not_json = parse_json_reply("{\"a\":", "https://ca/x");
    ASSERT_FALSE(not_json.ok());
    EXPECT_EQ(not_json.error().message, "https://ca/x: not JSON");
    // A problem with an error 30 levels down is still a problem.
    std::string sub = R"({"type":"urn:ietf:params:acme:error:malformed","detail":"d","x":)" +
                      nested_arrays(30) + "}";
    auto p = parse_problem(sub);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->one_line(), "malformed: d");
}

}  // namespace
}  // namespace dk::acme
