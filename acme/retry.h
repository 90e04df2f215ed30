// How long to wait before asking the server again: Retry-After when it sent one (RFC 8555
// sections 6.6 and 7.4), otherwise an exponential backoff; always within [floor, ceiling], so
// the client never spins and never sleeps for days inside one issuance.
#pragma once

#include <optional>
#include <string_view>

#include "base/clock.h"

namespace dk::acme {

// Retry-After as delay-seconds or an HTTP-date (any of its three forms); the time it names.
std::optional<TimePoint> parse_retry_after(std::string_view value, TimePoint now);

// The longest a Retry-After holds issuance back (rateLimited, 503): six hours. A CA may name
// days or decades; after six hours we ask again and it may name another time.
inline constexpr Seconds max_retry_hold{6 * 3600};

// Until when a Retry-After the CA named holds issuance back: that time, at most
// max_retry_hold after now.
TimePoint retry_hold(TimePoint named, TimePoint now);

// After a refused issuance (an authorization the CA found invalid, a refused order): a fresh order
// no sooner than this, growing with each refusal in a row, at most an hour; never the planner's
// 30-second retry, which would spend a CA's failed-validation limit (Let's Encrypt: 5 per
// hostname an hour) in minutes.
inline constexpr Seconds first_refusal_backoff{120};
inline constexpr Seconds max_refusal_backoff{3600};
// `refusals` in a row, 1 for the first: 2, 4, 8, 16, 32, then 60 minutes.
Seconds refusal_backoff(int refusals);

struct Backoff {
    Seconds floor{1};
    Seconds ceiling{60};
};

// attempt 0, 1, 2...: floor, 2 x floor, 4 x floor... up to the ceiling; a Retry-After in the
// future is followed when it is within the ceiling, clamped to it otherwise.
Seconds retry_delay(std::optional<TimePoint> retry_after, int attempt, TimePoint now,
                    const Backoff& backoff = {});

}  // namespace dk::acme
