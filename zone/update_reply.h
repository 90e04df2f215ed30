// What an UPDATE's reply means, and which failures a caller may safely resend.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ldns_handles.h"
#include "base/result.h"
#include "zone/dns_transport.h"

namespace dk::zone {

enum class UpdateOutcome {
    applied,              // NOERROR
    unchanged,            // nothing to do: every add present, every remove absent
    prerequisite_failed,  // NXRRSET/YXRRSET/NXDOMAIN/YXDOMAIN: someone else changed the RRset;
                          // re-read, re-plan, never force
    refused,              // REFUSED, NOTAUTH, NOTZONE: the server will not take this from us
    tsig_rejected,        // BADSIG, BADKEY, BADTIME: our key or clock is wrong
    server_error,         // SERVFAIL (after retries), FORMERR, NOTIMP, anything else
    no_reply,             // timeouts, unreachable (after retries)
    bad_reply,            // a reply we cannot trust: wrong ID/question, unsigned, bad signature
};

std::string_view to_string(UpdateOutcome outcome);

struct UpdateResult {
    UpdateOutcome outcome = UpdateOutcome::applied;
    std::string rcode;                    // the reply's rcode name, empty without a reply
    std::string message;                  // one line naming the server and the code
    std::optional<std::uint32_t> serial;  // the primary's SOA serial once the change is served
    bool confirmed = false;               // the primary was seen serving the changed RRsets
    int attempts = 0;                     // UPDATE messages sent
};

// Classifies a verified reply (check_reply passed) to an UPDATE.
UpdateResult classify_update_reply(const std::string& server, const ldns_pkt& reply);

// The outcome for an exchange that gave no trusted reply.
UpdateResult classify_exchange_error(const ExchangeError& error);

// True where resending cannot do harm and may help: nothing came back, or SERVFAIL. (The
// prerequisites make a resend idempotent: if the first one was applied, the resend fails them.)
bool retry_safe(const UpdateResult& result);

// The error for a result that is not applied/unchanged: prerequisite_failed, refused and
// tsig_rejected -> check_failed (exit 1); the others -> environment (exit 3).
Error to_error(const UpdateResult& result);

}  // namespace dk::zone
