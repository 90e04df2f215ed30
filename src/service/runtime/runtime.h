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

  private:
    SlotRuntime(Runtime& runtime, const config::SlotConfig& slot);
    Status share_tlsa_owner(const config::ZoneConfig& zone, const config::SlotConfig& slot);
    Runtime& runtime_;
    engine::SlotSetup setup_;
    FileKeyVault vault_;
    std::unique_ptr<zone::Rfc2136Publisher> publisher_;
    std::unique_ptr<engine::DnsPublisher> publisher_adapter_;  // RFC 2136 or signed-file
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

}  // namespace dk::service
