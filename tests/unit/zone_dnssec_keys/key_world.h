// A simulated world for the DNSSEC key loop: a signer that publishes zone versions, the zone's
// authoritative servers (each with its own lag), a parent whose CDS scanner copies our CDS into
// its DS RRset, the parent's servers (each with its own lag), and faults. Time is fake. It is the
// loop's clock, observer, signer and key maker (zone/dnssec_keys/ports.h); MemoryKeyStore is its
// key-state store (key_run.h).
//
// check_validation() is the property every test asserts at every tick: whatever a validating
// resolver may hold in its cache right now (any DS RRset served by any parent server within the
// DS TTL, any DNSKEY RRset served by any of our servers within TTLkey, any signature served
// within TTLsig), the chain validates. It is stricter than real resolvers, never looser.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "zone/dnssec_keys/planner.h"
#include "zone/dnssec_keys/ports.h"

namespace dk::zone::dnssec_keys::testing {

struct Version {
    std::uint32_t serial = 0;
    KeySelection keys;
};

struct WorldConfig {
    std::string zone = "example.test.";
    std::vector<Seconds> server_lags{Seconds{0}, Seconds{20}};
    std::vector<Seconds> parent_lags{Seconds{0}, Seconds{30}};
    Seconds parent_scan{60};  // how often the parent's CDS scanner looks
    Seconds ds_ttl{1800};
    ZoneTtls ttls{Seconds{300}, Seconds{600}, Seconds{120}};
};

class KeyWorld final : public Clock, public KeyObserver, public ZoneSigner, public KeyMaker {
  public:
    KeyWorld(WorldConfig config, TimePoint start);

    // The loop's clock: the world's time, unless the wall clock was set off it (jump_wall). The
    // world itself (servers, caches) always runs on real time.
    [[nodiscard]] TimePoint now() const override { return now_ + wall_offset_; }
    [[nodiscard]] std::optional<MonotonicReading> monotonic() const override {
        return MonotonicReading{"world-boot-" + std::to_string(boots_), since_boot_};
    }
    void advance(Seconds d);
    void jump_wall(Seconds d) { wall_offset_ += d; }
    // The machine running the loop is off for `down` (the world goes on), then boots again.
    void reboot(Seconds down) {
        advance(down);
        ++boots_;
        since_boot_ = Seconds{5};
    }
    // A new key's record (fabricated DNSKEY bytes, a tag unique in `taken`).
    Result<MadeKey> generate(Role role, std::uint8_t algorithm, const std::vector<KeyRecord>& taken,
                             TimePoint now) override;
    void discard(const MadeKey& made) override { discarded.push_back(made.record); }
    std::vector<KeyRecord> discarded;  // keys made, then discarded (not recorded)

    // The signer: publishes a new zone version at the primary; an error when a fault is injected.
    Result<std::uint32_t> sign(const ZoneKeys& keys, const KeySelection& selection) override;
    KeyObservations observe(TimePoint now) override;
    int signings = 0;
    int failed_signings = 0;

    // Empty when every cache combination validates; otherwise the first failure, described.
    [[nodiscard]] std::string check_validation() const;

    // Faults.
    bool sign_fails = false;
    std::vector<bool> server_down;  // per authoritative server
    std::vector<bool> parent_down;  // per parent server

    // What was served: versions at the primary and DS sets at the parent primary, with times.
    [[nodiscard]] const std::vector<std::pair<TimePoint, Version>>& versions() const {
        return versions_;
    }
    [[nodiscard]] const std::vector<std::pair<TimePoint, std::vector<std::string>>>& parent_ds()
        const {
        return parent_ds_;
    }
    // The first time parent server `i` served a DS RRset containing `ds` without interruption
    // up to now (nullopt when it does not serve it now).
    [[nodiscard]] std::optional<TimePoint> parent_serves_since(std::size_t i,
                                                               const std::string& ds) const;
    // The last time any of our servers served a version whose signatures were made by `tag`.
    [[nodiscard]] std::optional<TimePoint> last_signed_by(std::uint16_t zsk_tag) const;
    [[nodiscard]] const WorldConfig& config() const { return config_; }
    [[nodiscard]] const std::string& owner() const { return owner_; }

  private:
    // Indices of versions served by some server at some time in [from, to].
    std::vector<std::size_t> versions_served(TimePoint from, TimePoint to) const;
    std::vector<std::size_t> ds_sets_served(TimePoint from, TimePoint to) const;
    void scan_cds();

    WorldConfig config_;
    std::string owner_;
    TimePoint now_;
    Seconds wall_offset_{0};
    int boots_ = 0;
    Seconds since_boot_{1000};
    TimePoint next_scan_;
    std::uint32_t serial_ = 1000;
    unsigned key_counter_ = 0;
    std::vector<std::pair<TimePoint, Version>> versions_;
    std::vector<std::pair<TimePoint, std::vector<std::string>>> parent_ds_;
};

}  // namespace dk::zone::dnssec_keys::testing
