// The operator's requests to the engines: `rollover start` for a TLSA slot and `dnssec rollover`
// for a zone's ZSK or KSK. A verb leaves a request file in STATE_DIR/requests and wakes a running
// daemon; the engine's next run (under the state lock) takes it into the stored state.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "config/config.h"
#include "service/runtime/runtime.h"
#include "service/signing/managed_keys.h"
#include "zone/dnssec_keys/key_record.h"

namespace dk::service {

// STATE_DIR/requests/SLOT.
std::string request_path(const config::Config& config, const std::string& slot);
// STATE_DIR/requests/dnssec.ZONE.zsk (or .ksk).
std::string dnssec_request_path(const config::Config& config, const std::string& zone,
                                zone::dnssec_keys::Role role);

// Leaves a rollover request for each slot (emergency ones when asked), then wakes the daemon
// once: it takes them all in one pass.
Status request_slot_rollovers(const config::Config& config, const std::vector<std::string>& slots,
                              bool emergency);
// Leaves a rollover request for the zone's key of `role` and wakes the daemon.
Status request_dnssec_rollover(const config::Config& config, const std::string& zone,
                               zone::dnssec_keys::Role role);

// Applies a pending rollover request of the slot to its stored state, then drops the request.
Status take_slot_request(Runtime& rt, const std::string& slot);
// Applies the zone's pending ZSK and KSK rollover requests to its stored keys, then drops them.
Status take_dnssec_requests(const config::Config& config, ManagedKeys& keys, TimePoint now);

// When a danekeeper daemon holds the state lock, sends it SIGHUP so it looks at once; returns
// its pid, or 0 when none runs.
long wake_running_daemon(const std::string& state_dir);

}  // namespace dk::service
