// What MTA-STS senders (RFC 8461) will check, checked from here: the policy host serves a
// certificate valid for mta-sts.DOMAIN under the WebPKI roots and the policy (section 3.3), the
// `_mta-sts` TXT id is the one of the policy, every MX name matches a pattern (section 4.1), and
// every MX presents a certificate valid for its name under the WebPKI roots (section 4.2).
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "config/config.h"

namespace dk::service {

enum class MtaStsOutcome { ok, warning, failure, unknown };  // unknown: could not be asked
std::string_view to_string(MtaStsOutcome outcome);

struct MtaStsFinding {
    std::string check;  // policy-file, txt-id, policy-host, mx-pattern, mx-certificate
    std::string where;  // address, MX host, owner
    MtaStsOutcome outcome = MtaStsOutcome::ok;
    std::string detail;  // one line
};

struct MtaStsReport {
    std::string domain;
    std::string mode;
    std::string id;  // of the policy file
    std::vector<MtaStsFinding> findings;
};

// Every check for the zone's MTA-STS set-up. An MX certificate senders would refuse is a failure
// in enforce mode and a warning in testing mode (senders deliver and report); mode none checks
// only the policy and its id.
MtaStsReport check_mta_sts(const config::ZoneConfig& zone, const HostPort& resolver);

// The worst outcome of the findings (unknown counts only when nothing failed).
MtaStsOutcome overall(const std::vector<MtaStsReport>& reports);

}  // namespace dk::service
