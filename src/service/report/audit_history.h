// What the audit page's timeline draws from beside the audit's own observations: the event log's
// steps and the senders' reports (RFC 8460) of the last N days, and each slot's state now.
#pragma once

#include "ops/audit_timeline.h"
#include "service/report/audit_observer.h"
#include "service/runtime/runtime.h"

namespace dk::service {

// `obs` gives the RRSIG expiries the servers showed; `days` the period (1 or more).
Result<ops::TimelineInput> audit_history(Runtime& rt, const AuditObservations& obs, TimePoint now,
                                         int days);

}  // namespace dk::service
