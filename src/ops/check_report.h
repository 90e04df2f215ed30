// The overall result of `danekeeper check`: exit code and monitoring-plugin report over the
// verdicts of every MX host. Pure.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "ops/nagios.h"
#include "ops/verdict.h"

namespace dk::ops {

inline constexpr std::string_view check_nagios_service = "DANE";

struct CheckedHost {
    std::string domain;
    std::string host;
    HostVerdict verdict;
};

// 0 every host DANE-verified; 1 any other verdict; 3 only when a verdict is unknown and none
// failed (our resolver did not answer).
int check_exit_code(const std::vector<CheckedHost>& hosts);

// OK all verified; WARNING no DANE or insecure; CRITICAL dane-failed or tempfail; UNKNOWN when
// the resolver did not answer. `problems` are domain-level failures (no MX, no such domain).
NagiosReport check_nagios(const std::vector<CheckedHost>& hosts,
                          const std::vector<std::string>& problems, double seconds);

}  // namespace dk::ops
