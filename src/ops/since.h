// `--since T` for the event-log export: an RFC 3339 UTC time (2026-11-24T12:00:00Z), Unix
// seconds, or an age before now (90s, 30m, 12h, 7d). Pure: `now` is passed in.
#pragma once

#include <string_view>

#include "base/clock.h"
#include "base/result.h"

namespace dk::ops {

Result<TimePoint> parse_since(std::string_view text, TimePoint now);

}  // namespace dk::ops
