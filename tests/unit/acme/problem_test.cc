#include "acme/problem.h"

#include <gtest/gtest.h>

namespace dk::acme {
namespace {

TEST(Problem, EveryCommonTypeInOneLine) {
    struct Case {
        const char* body;
        const char* line;
    };
    const Case cases[] = {
        {R"({"type":"urn:ietf:params:acme:error:badNonce","detail":"JWS has an invalid anti-replay nonce","status":400})",
         "badNonce (HTTP 400): JWS has an invalid anti-replay nonce"},
        {R"({"type":"urn:ietf:params:acme:error:rateLimited","detail":"too many certificates","status":429})",
         "rateLimited (HTTP 429): too many certificates"},
        {R"({"type":"urn:ietf:params:acme:error:badCSR","detail":"key reuse"})",
         "badCSR: key reuse"},
        {R"({"type":"urn:ietf:params:acme:error:serverInternal","status":500})",
         "serverInternal (HTTP 500)"},
        {R"({"type":"about:blank"})", "about:blank"},
    };
    for (const auto& c : cases) {
        auto p = parse_problem(c.body);
        ASSERT_TRUE(p) << c.body;
        EXPECT_EQ(p->one_line(), c.line);
    }
}

TEST(Problem, SubproblemsNameTheirIdentifier) {
    auto p = parse_problem(R"({
      "type": "urn:ietf:params:acme:error:rejectedIdentifier",
      "detail": "some names were rejected",
      "status": 400,
      "subproblems": [
        {"type": "urn:ietf:params:acme:error:rejectedIdentifier", "detail": "policy forbids",
         "identifier": {"type": "dns", "value": "bad.example.test"}},
        {"type": "urn:ietf:params:acme:error:caa", "detail": "CAA forbids",
         "identifier": {"type": "dns", "value": "caa.example.test"}}
      ]})");
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->is("rejectedIdentifier"));
    EXPECT_EQ(p->one_line(),
              "rejectedIdentifier (HTTP 400): some names were rejected; rejectedIdentifier "
              "dns:bad.example.test: policy forbids; caa dns:caa.example.test: CAA forbids");
}

TEST(Problem, HostileTextStaysOnOneBoundedLine) {
    const std::string detail(5000, 'x');
    auto p =
        parse_problem(R"({"type":"urn:ietf:params:acme:error:malformed","detail":"a\nb\u0007)" +
                      detail + R"("})");
    ASSERT_TRUE(p);
    const std::string line = p->one_line();
    EXPECT_EQ(line.find('\n'), std::string::npos);
    EXPECT_LT(line.size(), 400u);
    EXPECT_TRUE(line.starts_with("malformed: a?b?xxx"));
}

TEST(Problem, WhatIsNoProblemDocument) {
    EXPECT_FALSE(parse_problem(""));
    EXPECT_FALSE(parse_problem("<html>502</html>"));
    EXPECT_FALSE(parse_problem(R"({"detail":"no type"})"));
    EXPECT_FALSE(parse_problem(R"({"type":7})"));
    EXPECT_FALSE(parse_problem(R"(["type"])"));
    // A status outside HTTP's range is dropped, not trusted.
    auto p = parse_problem(R"({"type":"x","status":99999})");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->status, 0);
}

}  // namespace
}  // namespace dk::acme
