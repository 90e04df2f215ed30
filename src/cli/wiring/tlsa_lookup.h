// TLSA records through a validating resolver; an answer without the AD bit is never trusted.
#pragma once

#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "base/tlsa.h"

namespace dk::cli {

// check_failed when the answer is not DNSSEC-validated (no AD) or holds no TLSA records;
// environment when the resolver cannot be reached or fails.
Result<std::vector<TlsaRecord>> lookup_tlsa(const HostPort& resolver, const std::string& owner);

}  // namespace dk::cli
