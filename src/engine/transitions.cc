#include "engine/transitions.h"

#include <algorithm>
#include <cstdlib>

#include "engine/issuers.h"
#include "engine/safety.h"

namespace dk::engine {
namespace {

bool adds_record(const Action& action, const TlsaRecord& record) {
    return std::any_of(action.changes.begin(), action.changes.end(), [&](const TlsaChange& c) {
        return c.op == ChangeOp::add && c.record == record;
    });
}

}  // namespace

SlotState apply_outcome(SlotState s, const Action& action, const Outcome& outcome) {
    switch (action.kind) {
        case ActionKind::generate_next_key:
            if (!outcome.new_key) std::abort();  // our bug: the shell must report the key
            s.next = outcome.new_key;
            s.next->published_at.reset();
            s.next->published_mono.reset();
            s.next_cert_not_after.reset();
            s.next_deployed = false;
            break;
        case ActionKind::publish:
            // A next record that had to be (re)added starts its age again.
            if (s.next && adds_record(action, record_for(*s.next)) && !s.next_deployed) {
                s.next->published_at.reset();
                s.next->published_mono.reset();
            }
            // So does an issuer record: a chain relies on it only once it has aged again.
            for (auto& issuer : s.issuers) {
                if (adds_record(action, issuer_record(issuer.spki_sha256)))
                    issuer.published_at.reset();
            }
            break;
        case ActionKind::mark_published:
            if (s.next) {
                s.next->published_at = action.at;
                s.next->published_mono.reset();  // count_monotonic starts it at the next look
            }
            break;
        case ActionKind::set_switch_time:
            s.switch_not_before =
                s.switch_not_before ? std::max(*s.switch_not_before, action.at) : action.at;
            break;
        case ActionKind::request_certificate:
            if (action.for_next) {
                s.next_cert_not_after = outcome.cert_not_after;
            } else {
                s.renewal_cert_not_after = outcome.cert_not_after;
            }
            break;
        case ActionKind::deploy:
            if (action.for_next) {
                s.next_deployed = true;
                s.phase = Phase::rolling;
            } else {
                s.current_cert_not_after = s.renewal_cert_not_after;
                s.renewal_cert_not_after.reset();
            }
            break;
        case ActionKind::complete_switch:
            s.previous = s.current;
            s.current = s.next;
            s.current_cert_not_after = s.next_cert_not_after;
            s.next.reset();
            s.next_cert_not_after.reset();
            s.next_deployed = false;
            s.phase = Phase::steady;
            s.emergency = false;
            s.switch_not_before.reset();
            s.failed_verifications = 0;
            break;
        case ActionKind::clear_previous:
            s.previous.reset();
            break;
        case ActionKind::issuers_published:
            for (const auto& digest : action.issuers) {
                auto it =
                    std::find_if(s.issuers.begin(), s.issuers.end(),
                                 [&](const SlotIssuer& i) { return i.spki_sha256 == digest; });
                if (it == s.issuers.end()) it = s.issuers.insert(s.issuers.end(), {digest, {}});
                it->published_at = action.at;
            }
            break;
        case ActionKind::forget_issuers:
            std::erase_if(s.issuers, [&](const SlotIssuer& i) {
                return std::find(action.issuers.begin(), action.issuers.end(), i.spki_sha256) !=
                       action.issuers.end();
            });
            break;
        case ActionKind::alert:
            ++s.failed_verifications;
            break;
        case ActionKind::wait:
            s.failed_verifications = 0;
            break;
    }
    return s;
}

SlotState count_monotonic(SlotState s, const std::optional<MonotonicReading>& now) {
    if (!now || !s.next || !s.next->published_at) return s;
    auto& mark = s.next->published_mono;
    if (!mark) {
        // Just published, or stored before marks existed: the count starts now, which can only
        // make the wait longer.
        mark = start_mark(*now);
        return s;
    }
    const bool over = s.switch_not_before &&
                      mark->counted >= std::chrono::duration_cast<Seconds>(*s.switch_not_before -
                                                                           *s.next->published_at);
    if (!over) mark = advance_mark(*mark, *now);  // an aged key's mark stays as it is: no writes
    return s;
}

SlotState start_rollover(SlotState s, bool emergency) {
    s.phase = Phase::rolling;
    s.emergency = s.emergency || emergency;
    return s;
}

}  // namespace dk::engine
