#include "ops/audit_report.h"

#include <algorithm>

namespace dk::ops {

bool audit_pass(const std::vector<AuditItem>& items, const std::vector<Finding>& findings) {
    return !items.empty() &&
           std::all_of(items.begin(), items.end(), [](const AuditItem& i) { return i.pass(); }) &&
           !any_error(findings);
}

NagiosReport audit_nagios(const std::vector<AuditItem>& items, const std::vector<Finding>& findings,
                          double seconds) {
    NagiosReport r;
    r.service = audit_nagios_service;
    std::size_t failed_items = 0;
    std::vector<std::string> failed_checks;
    for (const auto& item : items) {
        if (item.pass()) continue;
        ++failed_items;
        for (const auto& q : item.requirements) {
            if (!q.pass)
                r.details.push_back(
                    q.id + " " + q.check + " " + item.endpoint + " [" + item.address +
                    (item.algorithm.empty() ? "" : " " + item.algorithm) + "]: " + q.evidence);
            const std::string name = q.id + " " + q.check;
            if (!q.pass &&
                std::find(failed_checks.begin(), failed_checks.end(), name) == failed_checks.end())
                failed_checks.push_back(name);
        }
    }
    std::size_t errors = 0;
    for (const auto& f : findings) {
        errors += f.severity == Severity::error ? 1 : 0;
        r.details.push_back("lint " + std::string(to_string(f.severity)) + " " + f.rule + " " +
                            f.where + ": " + f.message);
    }
    const std::size_t warnings = findings.size() - errors;
    if (!audit_pass(items, findings)) {
        r.state = NagiosState::critical;
        r.summary = items.empty() ? "nothing to audit"
                                  : std::to_string(failed_items) + " of " +
                                        std::to_string(items.size()) + " endpoint addresses fail";
        for (std::size_t i = 0; i < failed_checks.size(); ++i)
            r.summary += (i ? ", " : ": ") + failed_checks[i];
        if (errors > 0) r.summary += "; " + std::to_string(errors) + " lint errors";
    } else {
        r.state = warnings > 0 ? NagiosState::warning : NagiosState::ok;
        r.summary = "EMLREQ_2/4/6 met at " + std::to_string(items.size()) + " endpoint addresses";
        if (warnings > 0) r.summary += "; " + std::to_string(warnings) + " lint warnings";
    }
    r.perf = {
        {"addresses", static_cast<double>(items.size()), "", {}, {}, 0, {}},
        {"failed", static_cast<double>(failed_items), "", {}, ThresholdRange::zero_to(0), 0, {}},
        {"lint_errors", static_cast<double>(errors), "", {}, ThresholdRange::zero_to(0), 0, {}},
        {"lint_warnings", static_cast<double>(warnings), "", ThresholdRange::zero_to(0), {}, 0, {}},
        {"time", seconds, "s", {}, {}, 0, {}}};
    return r;
}

}  // namespace dk::ops
