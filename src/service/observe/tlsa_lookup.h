// Lookups through a validating resolver; an answer without the AD bit is never trusted.
#pragma once

#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "base/result.h"
#include "base/tlsa.h"

namespace dk::service {

// One query (RD=1, DO=1) for name/type; environment error when the resolver does not answer.
// The caller judges rcode and AD.
Result<ldns::PktPtr> ask_resolver(const HostPort& resolver, const std::string& name,
                                  ldns_rr_type type);

// The TLSA records in a reply's answer section.
std::vector<TlsaRecord> tlsa_records_in(const ldns_pkt& reply);

// check_failed when the answer is not DNSSEC-validated (no AD) or holds no TLSA records;
// environment when the resolver cannot be reached or fails.
Result<std::vector<TlsaRecord>> lookup_tlsa(const HostPort& resolver, const std::string& owner);

}  // namespace dk::service
