// The TLSRPT policy record (RFC 8460 section 3) at _smtp._tls.ZONE kept in step with the
// configured report URIs through the zone's own publisher (RFC 2136 or the signed file): one
// guarded change replaces every other TLSRPT record there (a sender uses none when it finds
// two); TXT records of anything else at that owner are never touched.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zone/publisher.h"

namespace dk::service {

struct TlsrptRecordPlan {
    enum class Kind { in_step, change };
    Kind kind = Kind::in_step;
    zone::ZoneChange change;          // Kind::change: removes the stale records, adds ours
    std::vector<std::string> served;  // the TLSRPT records served now, each joined
};

// Pure: what `served` (the TXT RRset at the owner) needs to hold exactly one TLSRPT record,
// `wanted` (its joined text), as character-strings of at most 255 bytes with `ttl`.
Result<TlsrptRecordPlan> plan_tlsrpt_record(const std::string& zone, const zone::Rrset& served,
                                            const std::string& wanted, std::uint32_t ttl);

struct TlsrptRecordOutcome {
    std::string owner;                // _smtp._tls.ZONE
    std::string wanted;               // the record text from the configuration
    std::vector<std::string> served;  // the TLSRPT records the primary served before
    bool in_step = false;             // nothing to do
    bool changed = false;             // the change was applied
    std::string serial;               // after the change, when the publisher reported one
};

// Reads the owner's TXT RRset from the publisher and, with `apply`, makes the change the plan
// asks for. bad_input for URIs the record cannot carry; check_failed when the publisher refused.
Result<TlsrptRecordOutcome> keep_tlsrpt_record(zone::Publisher& publisher, const std::string& zone,
                                               const std::vector<std::string>& rua,
                                               std::uint32_t ttl, bool apply);

// "_smtp._tls.ZONE." for an absolute zone name.
std::string tlsrpt_owner(const std::string& zone);

}  // namespace dk::service
