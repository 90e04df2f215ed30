// The DNSSEC keys danekeeper manages for one signed-file zone (no keys_dir): the shell around the
// pure planner (zone/dnssec_keys/planner.h). It loads the key records from SQLite and the key
// files from STATE_DIR/dnssec/ZONE, observes every authoritative server and every parent server,
// plans, makes keys, has the zone signed through a callback, and commits each step with its
// event in one transaction.
#pragma once

#include <functional>
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

// Signs and writes the zone with `input`, reloads the servers; returns the serial written.
using ZoneSigner = std::function<Result<std::uint32_t>(const SigningInput& input)>;

// True when danekeeper manages this zone's DNSSEC keys (signed-file without keys_dir).
bool keys_managed(const config::ZoneConfig& zone);

// DS records ("ZONE. IN DS ...") of the zone's managed KSKs whose DS every parent server served
// at the last look: danekeeper's own validation takes them as anchors beside trust_anchor_file,
// so a KSK rollover does not leave that file behind. Empty when the keys are not managed.
std::vector<std::string> vouched_ksk_ds(db::Store& store, const config::ZoneConfig& zone);

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
    Result<SigningInput> signing_input(const zone::dnssec_keys::KeySelection& selection) const;

    // The world as the planner sees it now.
    zone::dnssec_keys::KeyObservations observe(TimePoint now) const;
    zone::dnssec_keys::Plan plan(const zone::dnssec_keys::KeyObservations& obs) const;

    // Takes the operator's pending rollover requests (request files) into the stored keys.
    Status take_requests(TimePoint now);

    // Observe, plan, make keys, sign through `sign`, commit; until nothing is due now. Returns
    // the last plan (its next_due and fragile flag). A failed signing keeps the old keys.
    Result<zone::dnssec_keys::Plan> advance(const ZoneSigner& sign, const Clock& clock);

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
    Status save(const zone::dnssec_keys::ZoneKeys& keys, TimePoint at, const std::string& kind,
                const std::string& details, std::optional<std::uint32_t> serial = std::nullopt);

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

// The daemon's pass over every managed zone: advance its key steps (signing through
// sign_zone_with). Returns the zones where a key step is under way (TLSA changes wait there) and
// lowers `wake` to the earliest next due key step. Problems are logged, not fatal.
std::vector<std::string> advance_managed_zones(db::Store& store, const config::Config& config,
                                               const Clock& clock, TimePoint* wake);

// STATE_DIR/requests/dnssec.ZONE.zsk (or .ksk): `dnssec rollover` leaves one, the daemon takes it.
std::string dnssec_request_path(const config::Config& config, const std::string& zone,
                                zone::dnssec_keys::Role role);

}  // namespace dk::service
