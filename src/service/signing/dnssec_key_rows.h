// The DNSSEC key records of a zone to and from their SQLite rows (db/store.h), loading and saving
// them with an event in one transaction, and the key loop's state store port over them.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "db/store.h"
#include "zone/dnssec_keys/key_record.h"
#include "zone/dnssec_keys/ports.h"

namespace dk::service {

db::DnssecKeyRow to_row(const std::string& zone, const zone::dnssec_keys::KeyRecord& k);
// bad_input naming the zone and tag when a stored value is not one we write.
Result<zone::dnssec_keys::KeyRecord> from_row(const db::DnssecKeyRow& row);

Result<zone::dnssec_keys::ZoneKeys> load_zone_keys(db::Store& store, const std::string& zone);
// Stores the zone's keys with an event (kind, details; serial when a signing made the change).
Status save_zone_keys(db::Store& store, const zone::dnssec_keys::ZoneKeys& keys, TimePoint at,
                      const std::string& kind, const std::string& details,
                      std::optional<std::uint32_t> serial = std::nullopt);

// The key loop's KeyStateStore: one zone's key rows in STATE_DIR/state.db.
class SqlKeyStateStore final : public zone::dnssec_keys::KeyStateStore {
  public:
    SqlKeyStateStore(db::Store& store, std::string zone) : store_(store), zone_(std::move(zone)) {}
    Result<zone::dnssec_keys::ZoneKeys> load() override { return load_zone_keys(store_, zone_); }
    Status save(const zone::dnssec_keys::ZoneKeys& keys, TimePoint at,
                const std::string& event_kind, const std::string& details,
                std::optional<std::uint32_t> serial) override {
        return save_zone_keys(store_, keys, at, event_kind, details, serial);
    }

  private:
    db::Store& store_;
    std::string zone_;
};

}  // namespace dk::service
