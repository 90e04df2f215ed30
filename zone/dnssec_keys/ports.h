// The DNSSEC key loop's view of the world, as src/engine/ports.h is the TLSA engine's: small
// interfaces the service implements with the real servers, SQLite, key files and signer, and
// tests implement with fakes. The loop that uses them is runner.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "zone/dnssec_keys/key_record.h"
#include "zone/dnssec_keys/observations.h"
#include "zone/dnssec_keys/planner.h"

namespace dk::zone::dnssec_keys {

// Asks every authoritative server of the zone for its serial and DNSKEY RRset, and every server
// of the parent zone for the zone's DS RRset. Failures are per server, inside the observations.
class KeyObserver {
  public:
    virtual ~KeyObserver() = default;
    virtual KeyObservations observe(TimePoint now) = 0;
};

// The zone's key records, durable: every change in one transaction with its event.
class KeyStateStore {
  public:
    virtual ~KeyStateStore() = default;
    virtual Result<ZoneKeys> load() = 0;
    // `serial`: the zone serial a signing wrote with these keys, when a signing made the change.
    virtual Status save(const ZoneKeys& keys, TimePoint at, const std::string& event_kind,
                        const std::string& details, std::optional<std::uint32_t> serial) = 0;
};

// Signs the zone with `selection` (the keys named there are among `keys`), writes it and tells
// the servers; returns the serial written.
class ZoneSigner {
  public:
    virtual ~ZoneSigner() = default;
    virtual Result<std::uint32_t> sign(const ZoneKeys& keys, const KeySelection& selection) = 0;
};

// A key just made: its record, and where its public half was written (for the event log).
struct MadeKey {
    KeyRecord record;
    std::string file;
};

// Makes a key of `role` and `algorithm` whose tag no key in `taken` has, and stores its files.
class KeyMaker {
  public:
    virtual ~KeyMaker() = default;
    virtual Result<MadeKey> generate(Role role, std::uint8_t algorithm,
                                     const std::vector<KeyRecord>& taken, TimePoint now) = 0;
    // Removes the files of a key generate made that could not be recorded: unrecorded, nothing
    // would ever use or remove them.
    virtual void discard(const MadeKey& made) = 0;
};

struct KeyPorts {
    KeyObserver& observer;
    KeyStateStore& store;
    ZoneSigner& signer;
    KeyMaker& maker;
    const Clock& clock;
};

}  // namespace dk::zone::dnssec_keys
