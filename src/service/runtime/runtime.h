// Wires the concrete pieces for the engine: configuration, the state lock and store, and per
// slot the DNS publisher and view, the prober and the key vault.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "config/config.h"
#include "db/state_lock.h"
#include "db/store.h"
#include "engine/runner.h"
#include "service/issuance/acme_issuer.h"
#include "service/keys/file_key_vault.h"
#include "service/observe/dns_view_adapter.h"
#include "service/observe/prober_adapter.h"
#include "service/publish/dns_publisher_adapter.h"
#include "service/signing/signed_file_publisher.h"
#include "service/state/sql_state_store.h"
#include "zone/publisher.h"
#include "zone/tlsa_view.h"

namespace dk::service {

struct Runtime {
    config::Config config;
    const Clock& clock;  // the system's; a bench passes its own (tests/bench/months_driver.cc)
    std::optional<db::StateLock> lock;  // held by the verbs that act (run, daemon, adopt)
    db::Store store;
    SqlStateStore states;
    // Each signed-file zone's signing state, kept between passes (not configuration: a verb
    // that only reads the runtime may still sign through it).
    mutable SigningHolds signing_holds;

    Runtime(config::Config c, std::optional<db::StateLock> l, db::Store s,
            const Clock& time = system_clock())
        : config(std::move(c)),
          clock(time),
          lock(std::move(l)),
          store(std::move(s)),
          states(store, clock) {}
};

// exclusive: takes the state lock. read_only: no lock (the verb writes only what the lock holder
// tolerates: requests, refusals). reader: no lock and no write at all; the store is opened
// read-only, never created or migrated (a missing one reads as empty: nothing adopted).
enum class Locking { exclusive, read_only, reader };

// Loads the configuration; run as root while another user owns state_dir, becomes that user
// (privileges::act_as_owner_of); checks the configuration's files, takes the state lock
// (exclusive only), opens the store.
// `clock` outlives the runtime.
Result<std::unique_ptr<Runtime>> open_runtime(const std::optional<std::string>& config_path,
                                              Locking locking = Locking::exclusive,
                                              const Clock& clock = system_clock());

class SlotRuntime {
  public:
    static Result<std::unique_ptr<SlotRuntime>> build(Runtime& runtime,
                                                      const config::SlotConfig& slot);
    engine::Ports ports();
    const engine::SlotSetup& setup() const { return setup_; }
    FileKeyVault& vault() { return vault_; }
    DnsViewAdapter& dns() { return *dns_; }
    ProberAdapter& prober() { return *prober_; }
    zone::TlsaView& view() { return *view_; }
    AddressBook& addresses() { return *book_; }
    // The RFC 2136 publisher of the slot's records; null for a signed-file zone.
    DnsPublisherAdapter* updates() { return updates_; }

  private:
    SlotRuntime(Runtime& runtime, const config::SlotConfig& slot);
    Status share_tlsa_owner(const config::ZoneConfig& zone, const config::SlotConfig& slot);
    Runtime& runtime_;
    engine::SlotSetup setup_;
    FileKeyVault vault_;
    std::unique_ptr<zone::Rfc2136Publisher> publisher_;
    std::unique_ptr<engine::DnsPublisher> publisher_adapter_;  // RFC 2136 or signed-file
    DnsPublisherAdapter* updates_ = nullptr;                   // publisher_adapter_, if RFC 2136
    // What dns-01 changes: publisher_, or the signed-file publisher's zone file.
    zone::Publisher* zone_publisher_ = nullptr;
    std::unique_ptr<zone::TlsaView> view_;
    std::unique_ptr<SharedOwnerLink> shared_link_;  // the slot's tlsa_owner, when set
    std::unique_ptr<DnsViewAdapter> dns_;
    std::unique_ptr<AddressBook> book_;
    std::unique_ptr<ProberAdapter> prober_;
    std::unique_ptr<AcmeIssuer> acme_;
};

engine::SlotPolicy policy_for(const config::SlotConfig& slot);

// The zone's record publisher for records outside the rollover (the MTA-STS TXT): RFC 2136 at
// the primary, or the signed-file publisher's zone file.
struct ZonePublisher {
    std::unique_ptr<zone::Rfc2136Publisher> rfc2136;
    std::unique_ptr<SignedFilePublisher> signed_file;
    zone::Publisher& get() {
        return rfc2136 ? static_cast<zone::Publisher&>(*rfc2136) : signed_file->files();
    }
};
// set_up refused: a read-only look that makes no directory and no key (SignedFilePublisher).
Result<ZonePublisher> open_zone_publisher(const Runtime& runtime, const config::ZoneConfig& zone,
                                          SetUp set_up = SetUp::allowed);

// One slot's publish step, deferred by its run (engine::RunReport::deferred).
struct SlotPublish {
    SlotRuntime* slot = nullptr;
    const std::vector<engine::TlsaChange>* changes = nullptr;
};

// Sends several slots' publish steps: the changes of slots in RFC 2136 zones together, per zone,
// in as few UPDATE messages as fit (apply_batched); a signed-file slot's through its publisher.
// Returns each step's answer for engine::finish_publish, in order; nullopt for a step not sent
// because an earlier slot's step touches the same RRset (apply_batched): that slot plans again.
std::vector<std::optional<Result<std::string>>> publish_together(
    const std::vector<SlotPublish>& steps);

}  // namespace dk::service
