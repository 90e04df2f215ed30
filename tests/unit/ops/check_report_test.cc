// The overall result of `check`: exit codes and plugin states over every verdict combination.
#include "ops/check_report.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

CheckedHost host(std::string name, Verdict v) {
    return {"example.test", std::move(name), {v, "why"}};
}

TEST(CheckReport, AllVerifiedIsOk) {
    const std::vector hosts{host("mx1", Verdict::verified), host("mx2", Verdict::verified)};
    EXPECT_EQ(check_exit_code(hosts), 0);
    const auto r = check_nagios(hosts, {}, 0.5);
    EXPECT_EQ(r.state, NagiosState::ok);
    EXPECT_EQ(format_nagios(r),
              "DANE OK - 2 of 2 MX hosts DANE-verified | hosts=2;;;0 verified=2;;;0 "
              "not_verified=0;;0;0 time=0.500s;;;0\n"
              "example.test mx1: dane-verified: why\nexample.test mx2: dane-verified: why\n");
}

TEST(CheckReport, EachVerdictMapsToItsState) {
    const struct {
        Verdict verdict;
        int exit;
        NagiosState state;
    } table[] = {
        {Verdict::verified, 0, NagiosState::ok},
        {Verdict::no_dane, 1, NagiosState::warning},
        {Verdict::insecure, 1, NagiosState::warning},
        {Verdict::unknown, 3, NagiosState::unknown},
        {Verdict::tempfail, 1, NagiosState::critical},
        {Verdict::dane_failed, 1, NagiosState::critical},
    };
    for (const auto& row : table) {
        const std::vector hosts{host("mx1", Verdict::verified), host("mx2", row.verdict)};
        EXPECT_EQ(check_exit_code(hosts), row.exit) << to_string(row.verdict);
        EXPECT_EQ(check_nagios(hosts, {}, 0).state, row.state) << to_string(row.verdict);
    }
}

TEST(CheckReport, AFailureOutranksUnknown) {
    const std::vector hosts{host("mx1", Verdict::unknown), host("mx2", Verdict::dane_failed)};
    EXPECT_EQ(check_exit_code(hosts), 1);
    const auto r = check_nagios(hosts, {}, 0);
    EXPECT_EQ(r.state, NagiosState::critical);
    EXPECT_NE(r.summary.find("mx2 dane-failed"), std::string::npos);
}

TEST(CheckReport, DomainProblemsAreCritical) {
    const auto r = check_nagios({}, {"nx.test: no such domain"}, 0);
    EXPECT_EQ(r.state, NagiosState::critical);
    EXPECT_EQ(r.summary, "0 of 0 MX hosts DANE-verified; nx.test: no such domain");
    EXPECT_EQ(check_nagios({}, {}, 0).state, NagiosState::unknown);
}

}  // namespace
}  // namespace dk::ops
