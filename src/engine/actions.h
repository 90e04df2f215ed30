// What the planner asks the shell to do next, and when it wants to look again.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/tlsa.h"

namespace dk::engine {

enum class ActionKind {
    generate_next_key,    // make a fresh key for the next slot position (0600, key store)
    publish,              // one prerequisite-guarded update per owner (changes below)
    mark_published,       // record t1 for next (every server serves it, validated)
    set_switch_time,      // persist switch_not_before = at
    request_certificate,  // for_next ? next key : current key (renewal)
    deploy,               // write chain + key atomically, run reload (for_next selects the key)
    complete_switch,      // every endpoint presents next and validates: next becomes current
    clear_previous,       // the previous key's records are gone everywhere: forget it
    issuers_published,    // these issuers' records are served everywhere (t1 = at)
    forget_issuers,       // these issuers' records are gone everywhere: forget them
    alert,                // something needs a human; nothing is changed
    wait,                 // nothing to do before `at`
};

enum class ChangeOp { add, remove };

struct TlsaChange {
    std::string owner;
    ChangeOp op = ChangeOp::add;
    TlsaRecord record;
    std::vector<TlsaRecord> expected;  // prerequisite: the RRset as last observed at the primary
    friend bool operator==(const TlsaChange&, const TlsaChange&) = default;
};

struct Action {
    ActionKind kind = ActionKind::wait;
    std::string reason;               // one line for logs and status
    bool for_next = false;            // request_certificate / deploy: which key
    TimePoint at{};                   // wait: until; set_switch_time / mark_published: the time
    std::vector<TlsaChange> changes;  // publish
    std::vector<Bytes> issuers;       // issuers_published / forget_issuers: SPKI SHA-256
};

std::string_view to_string(ActionKind kind);

}  // namespace dk::engine
