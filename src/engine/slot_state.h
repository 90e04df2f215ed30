// What the engine remembers about a key slot between runs (persisted by the shell in SQLite).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/elapsed.h"
#include "base/hex.h"

namespace dk::engine {

// A key the slot knows. Its identity is the SHA-256 of its SubjectPublicKeyInfo: the data of
// its 3 1 1 record.
struct SlotKey {
    std::string id;     // stable name in the key store
    Bytes spki_sha256;  // 32 bytes
    TimePoint created_at{};
    // t1: the first moment every authoritative server served its record, validated.
    std::optional<TimePoint> published_at;
    // The monotonic time counted since t1 (base/elapsed.h): the switch waits for it too, so a
    // wall clock set forward cannot end the wait early. Brought up to date at every run until the
    // wait is over (count_monotonic, transitions.h).
    std::optional<MonotonicMark> published_mono;
    friend bool operator==(const SlotKey&, const SlotKey&) = default;
};

// A CA whose 2 1 1 record the slot publishes (`issuer_certificates`): remembered so that its
// record is removed once the CA leaves the list, and aged before a chain relies on it.
struct SlotIssuer {
    Bytes spki_sha256;  // the record's data
    // t1: the first moment every authoritative server served its record, validated.
    std::optional<TimePoint> published_at;
    friend bool operator==(const SlotIssuer&, const SlotIssuer&) = default;
};

enum class Phase {
    steady,   // current served; next published (or being published)
    rolling,  // switching to next: waiting, issuing, deploying, verifying
};

struct SlotState {
    std::string slot;
    Phase phase = Phase::steady;
    std::optional<SlotKey> current;   // served by every endpoint
    std::optional<SlotKey> next;      // published, not served
    std::optional<SlotKey> previous;  // no longer served, record still published until retired
    // Earliest switch to next; only ever moves later (a restart never shortens a wait).
    std::optional<TimePoint> switch_not_before;
    // The certificate now served for current, and one issued for next (ready to deploy).
    std::optional<TimePoint> current_cert_not_after;
    std::optional<TimePoint> next_cert_not_after;  // set once a certificate for next is stored
    bool next_deployed = false;                    // next's chain and key written, reload run
    std::optional<TimePoint>
        renewal_cert_not_after;  // a same-key certificate is stored, not deployed
    bool emergency = false;      // switch as soon as it is safe, whatever the age
    int failed_verifications = 0;
    std::vector<SlotIssuer> issuers;  // issuer records published (or being retired)
    friend bool operator==(const SlotState&, const SlotState&) = default;
};

std::string_view to_string(Phase phase);

}  // namespace dk::engine
