// certificates = "acme": danekeeper's own ACME client for one slot, wired from [acme], the
// slot's zone (dns-01 through its publisher, checked on every authoritative server) or a
// webroot (http-01). The account key lives in STATE_DIR/acme/account.key (0600).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "acme/renewal.h"
#include "base/clock.h"
#include "config/config.h"
#include "zone/publisher.h"
#include "zone/resolver/authoritative.h"

namespace dk::service {

// What every renewal decision takes from the configuration: the slot's renew_before_days (the
// parser gives an acme slot that sets none [acme]'s).
acme::RenewalInput renewal_input_for(const config::SlotConfig& slot);

// A refused issuance (check_failed: an invalid authorization, a refused order) in ACME_DIR: the
// refusals in a row go up by one (ACME_DIR/refusals) and the next order waits
// acme::refusal_backoff of them, or for `retry_after` (bounded) when that is later
// (ACME_DIR/not-before). Returns the time of the next attempt.
Result<TimePoint> record_refusal(const std::string& acme_dir, TimePoint now,
                                 std::optional<TimePoint> retry_after);
// An issued certificate ends the run of refusals.
void clear_refusals(const std::string& acme_dir);

// What holds the next order back, as ACME_DIR says (for `status`): nullopt when nothing does at
// `now`.
struct AcmeHold {
    TimePoint next_attempt;
    int refusals = 0;  // in a row; 0: the CA's Retry-After alone
};
std::optional<AcmeHold> read_acme_hold(const std::string& acme_dir, TimePoint now);

class AcmeIssuer {
  public:
    // `renewal`: renewal_input_for(the slot).
    AcmeIssuer(const config::AcmeConfig& acme, std::string state_dir, zone::Publisher& publisher,
               std::string zone, std::vector<HostPort> authoritative, std::uint32_t txt_ttl,
               acme::RenewalInput renewal)
        : acme_(acme),
          state_dir_(std::move(state_dir)),
          publisher_(publisher),
          zone_(std::move(zone)),
          authoritative_(std::move(authoritative)),
          txt_ttl_(txt_ttl),
          renewal_(std::move(renewal)) {}

    // NS names of the zone that gave no address to ask (zone::discover_authoritative): a dns-01
    // challenge is not answered while one is left, since its TXT cannot be proven there.
    void set_unresolved_servers(std::vector<zone::UnresolvedServer> unresolved) {
        unresolved_ = std::move(unresolved);
    }

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
    std::vector<zone::UnresolvedServer> unresolved_;
    std::uint32_t txt_ttl_;
    acme::RenewalInput renewal_;
    std::string asked_for_;  // the certificate last asked about, and the answer
    TimePoint asked_at_{};
    std::optional<TimePoint> answer_;
};

}  // namespace dk::service
