// Each zone's _smtp._tls TLSRPT record (service/publish/tlsrpt_record.h) kept in step through the
// zone's own publisher, as the slots publish: RFC 2136 to its primary, or its signed file.
#pragma once

#include <string>
#include <vector>

#include "service/publish/tlsrpt_record.h"
#include "service/runtime/runtime.h"

namespace dk::service {

struct ZoneTlsrptRecord {
    std::string zone;
    Result<TlsrptRecordOutcome> outcome;
};

// Every zone whose tlsrpt_rua is not empty; with `apply` the changes are made. A zone that fails
// (an unreachable primary, a refusal) does not stop the others.
std::vector<ZoneTlsrptRecord> keep_tlsrpt_records(const Runtime& runtime, bool apply);

}  // namespace dk::service
