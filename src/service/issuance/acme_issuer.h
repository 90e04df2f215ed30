// certificates = "acme": danekeeper's own ACME client for one slot, wired from [acme], the
// slot's zone (dns-01 through its publisher, checked on every authoritative server) or a
// webroot (http-01). The account key lives in STATE_DIR/acme/account.key (0600).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "config/config.h"
#include "zone/publisher.h"

namespace dk::service {

class AcmeIssuer {
  public:
    AcmeIssuer(const config::AcmeConfig& acme, std::string state_dir, zone::Publisher& publisher,
               std::string zone, std::vector<HostPort> authoritative, std::uint32_t txt_ttl)
        : acme_(acme),
          state_dir_(std::move(state_dir)),
          publisher_(publisher),
          zone_(std::move(zone)),
          authoritative_(std::move(authoritative)),
          txt_ttl_(txt_ttl) {}

    // The chain (leaf first) for `csr_pem` naming `names`, verified to the issuer roots
    // (issuer_ca_file, or the system store). The caller checks key, names and validity.
    Result<std::string> issue(const std::string& csr_pem, const std::vector<std::string>& names);

    // ARI: when the CA wants the certificate at the head of `chain_pem` renewed; nullopt when
    // its directory offers no renewalInfo or asking failed (renew_before_days decides then).
    // Asked at most once an hour per certificate within one process.
    std::optional<TimePoint> renewal_time(const std::string& chain_pem, TimePoint now);

  private:
    const config::AcmeConfig& acme_;
    std::string state_dir_;
    zone::Publisher& publisher_;
    std::string zone_;
    std::vector<HostPort> authoritative_;
    std::uint32_t txt_ttl_;
    std::string asked_for_;  // the certificate last asked about, and the answer
    TimePoint asked_at_{};
    std::optional<TimePoint> answer_;
};

// The chain verifies (purpose TLS server) to the roots in ca_file, or the system's when unset.
Status verify_chain_to_roots(const std::string& chain_pem,
                             const std::optional<std::string>& ca_file);

}  // namespace dk::service
