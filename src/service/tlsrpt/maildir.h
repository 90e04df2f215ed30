// The Maildir a TLSRPT mailbox delivers to: each message in new/ is read once. A report stored
// (or stored before) moves to cur/; a message refused as bad input moves to the Maildir++
// folder .Refused (its reason logged), so it is never retried; on a store failure it stays in
// new/ for the next pass.
#pragma once

#include <cstddef>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "db/store.h"
#include "tlsrpt/mime.h"
#include "tlsrpt/report.h"

namespace dk::service {

struct MaildirPass {
    int stored = 0;
    int duplicates = 0;
    int refused = 0;
    int deferred = 0;  // left in new/: the store failed
};

struct MaildirLimits {
    std::size_t max_messages = 1000;  // per pass; the rest wait for the next
    tlsrpt::MimeLimits mail;
    tlsrpt::Limits report;
};

// Fails (environment) only when new/ cannot be listed; each message's outcome is logged.
Result<MaildirPass> take_in_maildir(db::Store& store, const std::string& maildir, TimePoint now,
                                    const MaildirLimits& limits = {});

}  // namespace dk::service
