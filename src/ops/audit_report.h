// The audit's overall result: pass or fail, and its monitoring-plugin report. Pure.
#pragma once

#include <string_view>
#include <vector>

#include "ops/audit.h"
#include "ops/lint.h"
#include "ops/nagios.h"

namespace dk::ops {

inline constexpr std::string_view audit_nagios_service = "DANE-AUDIT";

// Passes when every requirement of every item passes and the lint found no error.
bool audit_pass(const std::vector<AuditItem>& items, const std::vector<Finding>& findings);

// OK passed without lint warnings; WARNING passed with warnings; CRITICAL failed.
NagiosReport audit_nagios(const std::vector<AuditItem>& items, const std::vector<Finding>& findings,
                          double seconds);

}  // namespace dk::ops
