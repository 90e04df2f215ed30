// Several slots' guarded changes to one zone in as few RFC 2136 UPDATE messages as the server
// takes, instead of one message per slot.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "base/result.h"
#include "zone/publisher.h"

namespace dk::service {

// A message's limit (RFC 1035: 16-bit TCP length) less room for the TSIG RR the transport adds.
inline constexpr std::size_t max_update_bytes = 65535 - 512;

// Sends `changes` (each one slot's guarded change, all to the same zone) through `publisher` in
// as few UPDATE messages as fit in `max_bytes`; one change is never split across messages. The
// server applies a message whole or not at all (RFC 2136 3.7), so a message refused as a whole (a
// prerequisite failed, REFUSED) is sent again one change per message: one slot's conflict neither
// blocks the others nor leaves any change half made. Returns each change's result, in order;
// nullopt for a change not sent because it touches an RRset an earlier change touches (two slots
// of one endpoint): its slot plans again once the others are served.
std::vector<std::optional<Result<zone::UpdateResult>>> apply_batched(
    zone::Publisher& publisher, const std::vector<zone::ZoneChange>& changes,
    std::size_t max_bytes = max_update_bytes);

}  // namespace dk::service
