// The DNSSEC keys danekeeper manages for one signed-file zone (no keys_dir): the concrete ports of
// the key loop (zone/dnssec_keys/runner.h): the key records in SQLite, the key files in
// STATE_DIR/dnssec/ZONE, every authoritative server and every parent server as observer, and the
// signed-file signer. ManagedKeys runs the shipped loop with them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "config/config.h"
#include "db/store.h"
#include "zone/dns_transport.h"
#include "zone/dnssec_keys/key_store.h"
#include "zone/dnssec_keys/planner.h"
#include "zone/sign/key_set.h"
#include "zone/sign/zone_model.h"

namespace dk::service {

// What a signing needs from the key planner: the keys, and the CDS/CDNSKEY records to add.
struct SigningInput {
    zone::sign::KeySet keys;
    std::vector<zone::sign::Record> extra;
};

// True when danekeeper manages this zone's DNSSEC keys (signed-file without keys_dir).
bool keys_managed(const config::ZoneConfig& zone);

// DS records ("ZONE. IN DS ...") of the zone's managed KSKs whose DS every parent server served
// at the last look: danekeeper's own validation takes them as anchors beside trust_anchor_file,
// so a KSK rollover does not leave that file behind. Empty when the keys are not managed.
std::vector<std::string> vouched_ksk_ds(db::Store& store, const config::ZoneConfig& zone);

// The key planner's policy from the zone's configuration (its algorithm, lifetimes, safety
// margins and DS TTL).
zone::dnssec_keys::KeyPolicy key_policy_for(const config::ZoneConfig& zone);

// The zone's TTLs as signed, from the operator's unsigned file: DNSKEY TTL = SOA TTL (what the
// signer uses), the longest TTL (with the TLSA TTL we add), min(SOA TTL, SOA MINIMUM).
Result<zone::dnssec_keys::ZoneTtls> zone_ttls(const config::ZoneConfig& zone);

class ManagedKeys {
  public:
    static Result<ManagedKeys> open(db::Store& store, const config::Config& config,
                                    const config::ZoneConfig& zone);

    [[nodiscard]] const zone::dnssec_keys::ZoneKeys& keys() const { return keys_; }
    [[nodiscard]] const zone::dnssec_keys::KeyStore& store() const { return key_store_; }

    // What the committed keys sign with (every signing, TLSA changes included).
    Result<SigningInput> signing_input() const;
    // What `selection` signs with; the keys it names are among `keys`.
    Result<SigningInput> signing_input(const zone::dnssec_keys::ZoneKeys& keys,
                                       const zone::dnssec_keys::KeySelection& selection) const;

    // The world as the planner sees it now.
    zone::dnssec_keys::KeyObservations observe(TimePoint now) const;
    zone::dnssec_keys::Plan plan(const zone::dnssec_keys::KeyObservations& obs) const;

    // The operator asks to replace the active key of `role`: stored with its event. False when
    // the zone has no active key of that role yet.
    Result<bool> request_rollover(zone::dnssec_keys::Role role, TimePoint now);

    // The key loop (zone/dnssec_keys/runner.h) with the real ports: observe, plan, make keys, sign
    // the signed file, commit; until nothing is due now. Returns the last plan (its next_due and
    // fragile flag). A failed signing keeps the old keys.
    Result<zone::dnssec_keys::Plan> advance(const Clock& clock);

  private:
    ManagedKeys(db::Store& store, const config::Config& config, const config::ZoneConfig& zone,
                zone::dnssec_keys::KeyStore key_store, zone::dnssec_keys::ZoneKeys keys,
                zone::dnssec_keys::ZoneTtls ttls)
        : db_(&store),
          config_(&config),
          zone_(&zone),
          key_store_(std::move(key_store)),
          keys_(std::move(keys)),
          ttls_(ttls) {}
    db::Store* db_;
    const config::Config* config_;
    const config::ZoneConfig* zone_;
    zone::dnssec_keys::KeyStore key_store_;
    zone::dnssec_keys::ZoneKeys keys_;
    zone::dnssec_keys::ZoneTtls ttls_;
};

// What the committed keys of a managed zone sign with, read from STATE_DIR/state.db (for every
// signing that is no key step: TLSA changes, signature refreshes).
Result<SigningInput> committed_signing_input(const config::Config& config,
                                             const config::ZoneConfig& zone);

}  // namespace dk::service
