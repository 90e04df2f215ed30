// Proof that an authoritative server's empty answer is a real absence: the NSEC or NSEC3
// records of its authority section, each validated like any RRset, must deny the asked type at
// the name (NODATA) or the name and every wildcard that could answer for it (NXDOMAIN). An
// empty answer without such a proof is only unvalidated, never "absent" (RFC 4035 section 5.4,
// RFC 5155 section 8).
#pragma once

#include <string>

#include "base/clock.h"
#include "base/ldns_handles.h"
#include "base/result.h"

namespace dk::zone {

// How the denial was proven, for evidence: "NSEC NODATA", "NSEC3 NXDOMAIN", ...
enum class DenialProof { nsec_nodata, nsec_nxdomain, nsec3_nodata, nsec3_nxdomain };
std::string to_string(DenialProof proof);

// Above this many extra SHA-1 iterations an NSEC3 chain proves nothing (RFC 9276 section 3.2:
// validators may treat such answers as insecure; hashing them costs the validator the time).
inline constexpr std::uint16_t max_nsec3_iterations = 150;

// Whether the `authority` section proves that `name` owns no RRset of `type` in `zone` (the
// apex), nor a CNAME in its place. Every NSEC/NSEC3 used must validate with the zone's
// DNSKEYs (`keys`, `key_sigs`, `anchors` and `now` as validate_rrset), through RRSIGs whose
// label count shows it is no wildcard expansion. NSEC3 opt-out never proves a TLSA absence.
// check_failed names what is missing or wrong.
Result<DenialProof> verify_denial(const ldns_rr_list& authority, const ldns_rdf& name,
                                  ldns_rr_type type, const ldns_rdf& zone, const ldns_rr_list& keys,
                                  const ldns_rr_list& key_sigs, const ldns_rr_list* anchors,
                                  TimePoint now);

}  // namespace dk::zone
