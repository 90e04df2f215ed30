#include "ops/check_report.h"

#include <algorithm>

namespace dk::ops {
namespace {

NagiosState state_of(Verdict v) {
    switch (v) {
        case Verdict::verified:
            return NagiosState::ok;
        case Verdict::no_dane:
        case Verdict::insecure:
            return NagiosState::warning;
        case Verdict::unknown:
            return NagiosState::unknown;
        case Verdict::tempfail:
        case Verdict::dane_failed:
            return NagiosState::critical;
    }
    return NagiosState::unknown;
}

}  // namespace

int check_exit_code(const std::vector<CheckedHost>& hosts) {
    int worst = 0;
    for (const auto& h : hosts) {
        if (h.verdict.verdict == Verdict::verified) continue;
        worst = std::max(worst, h.verdict.verdict == Verdict::unknown ? 3 : 10);
    }
    return worst == 10 ? 1 : worst;
}

NagiosReport check_nagios(const std::vector<CheckedHost>& hosts,
                          const std::vector<std::string>& problems, double seconds) {
    NagiosReport r;
    r.service = check_nagios_service;
    r.state = problems.empty() ? NagiosState::ok : NagiosState::critical;
    if (hosts.empty() && problems.empty()) r.state = NagiosState::unknown;
    std::size_t verified = 0;
    std::vector<std::string> bad;
    for (const auto& h : hosts) {
        r.state = worse(r.state, state_of(h.verdict.verdict));
        if (h.verdict.verdict == Verdict::verified) {
            ++verified;
        } else {
            bad.push_back(h.host + " " + std::string(to_string(h.verdict.verdict)));
        }
        r.details.push_back(h.domain + " " + h.host + ": " +
                            std::string(to_string(h.verdict.verdict)) + ": " + h.verdict.reason);
    }
    r.summary = std::to_string(verified) + " of " + std::to_string(hosts.size()) +
                " MX hosts DANE-verified";
    for (const auto& p : problems) bad.push_back(p);
    if (!bad.empty()) {
        r.summary += ";";
        for (std::size_t i = 0; i < bad.size(); ++i) r.summary += (i ? ", " : " ") + bad[i];
    }
    const double failed = static_cast<double>(hosts.size() - verified);
    r.perf = {{"hosts", static_cast<double>(hosts.size()), "", {}, {}, 0, {}},
              {"verified", static_cast<double>(verified), "", {}, {}, 0, {}},
              {"not_verified", failed, "", {}, ThresholdRange::zero_to(0), 0, {}},
              {"time", seconds, "s", {}, {}, 0, {}}};
    return r;
}

}  // namespace dk::ops
