// Wires the concrete pieces for the engine: configuration, the state lock and store, and per
// slot the DNS publisher and view, the prober and the key vault.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "cli/wiring/acme_issuer.h"
#include "cli/wiring/dns_publisher_adapter.h"
#include "cli/wiring/dns_view_adapter.h"
#include "cli/wiring/file_key_vault.h"
#include "cli/wiring/prober_adapter.h"
#include "cli/wiring/sql_state_store.h"
#include "config/config.h"
#include "db/state_lock.h"
#include "db/store.h"
#include "engine/runner.h"
#include "zone/publisher.h"
#include "zone/tlsa_view.h"

namespace dk::cli {

struct Runtime {
    config::Config config;
    SystemClock clock;
    std::optional<db::StateLock> lock;  // held by the verbs that act (run, daemon, adopt)
    db::Store store;
    SqlStateStore states;

    Runtime(config::Config c, std::optional<db::StateLock> l, db::Store s)
        : config(std::move(c)), lock(std::move(l)), store(std::move(s)), states(store, clock) {}
};

enum class Locking { exclusive, read_only };

// Loads and checks the configuration, takes the state lock (unless read_only), opens the store.
Result<std::unique_ptr<Runtime>> open_runtime(const std::optional<std::string>& config_path,
                                              Locking locking = Locking::exclusive);

// An operator's request (rollover start) waits in STATE_DIR/requests/SLOT until the engine runs.
std::string request_path(const config::Config& config, const std::string& slot);

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
    Runtime& runtime_;
    engine::SlotSetup setup_;
    FileKeyVault vault_;
    std::unique_ptr<zone::Rfc2136Publisher> publisher_;
    std::unique_ptr<engine::DnsPublisher> publisher_adapter_;  // RFC 2136 or signed-file
    std::unique_ptr<zone::TlsaView> view_;
    std::unique_ptr<DnsViewAdapter> dns_;
    std::unique_ptr<AddressBook> book_;
    std::unique_ptr<ProberAdapter> prober_;
    std::unique_ptr<AcmeIssuer> acme_;
};

engine::SlotPolicy policy_for(const config::SlotConfig& slot);

}  // namespace dk::cli
