// Waits that a clock jump cannot shorten. A wait (a record aging in caches, a DS at the parent)
// counts the wall clock from its start AND the monotonic clock (clock.h) from a mark taken at the
// same moment. The mark is brought up to date at every run and persisted with the state, so a
// restart on the same boot resumes from it and a reboot loses at most the time since the last
// persisted run (the monotonic clock of the old boot is gone; that time is simply not counted).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace dk {

// How much monotonic time a wait has seen.
struct MonotonicMark {
    std::string boot_id;   // the boot of the last reading
    Seconds reading{};     // since_boot at the last reading
    Seconds counted{};     // monotonic time from the wait's start to that reading
    bool unbroken = true;  // counted is the whole wait: no reboot (or clock reset) in between
    friend bool operator==(const MonotonicMark&, const MonotonicMark&) = default;
};

MonotonicMark start_mark(const MonotonicReading& now);
// The mark brought up to `now`: on the same boot the time since the last reading is added; on
// another boot (or a reading that went back) nothing is added and the mark is no longer unbroken.
MonotonicMark advance_mark(MonotonicMark mark, const MonotonicReading& now);

// A wait of `needed` that began at wall time `start`, with its mark brought up to now.
//  - No mark (no monotonic clock, or a wait stored before marks existed): the wall clock alone.
//  - Otherwise the monotonic count must reach `needed` (a forward wall jump cannot end it), and
//    so must the wall clock, unless the count is unbroken: then it is the real time that passed
//    on this machine, which is what caches age by, so a backward wall jump does not stall a
//    rollover for as long as the jump. After a reboot the count misses the downtime and the time
//    since the last persisted run: it still never overstates, but the wall clock is required too.
bool wait_over(TimePoint start, Seconds needed, const std::optional<MonotonicMark>& mark,
               TimePoint now);
// When to look again for such a wait: `now` when it is over; otherwise the earliest wall time at
// which it can be, assuming both clocks run from here on.
TimePoint wait_end(TimePoint start, Seconds needed, const std::optional<MonotonicMark>& mark,
                   TimePoint now);
// The monotonic time still missing (0 when none, or without a mark).
Seconds monotonic_remaining(Seconds needed, const std::optional<MonotonicMark>& mark);

// While a wait's monotonic count runs, the engines look again (and store it) at least this often,
// so that a reboot loses at most this much of it.
inline constexpr Seconds count_stored_every{3600};

// Stored form: "BOOT_ID READING COUNTED UNBROKEN" (seconds; unbroken 1 or 0).
std::string mark_text(const MonotonicMark& mark);
std::optional<MonotonicMark> parse_mark(std::string_view text);

}  // namespace dk
