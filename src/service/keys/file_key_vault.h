// The engine's KeyVault: keys (0600, never overwritten) and chains in the state directory,
// certificates from the slot's issue_command or danekeeper's ACME client, deployment by atomic
// writes plus reload argv.
#pragma once

#include "base/clock.h"
#include "cert/chain.h"
#include "config/config.h"
#include "engine/ports.h"

namespace dk::service {
class AcmeIssuer;
}

namespace dk::service {

class FileKeyVault final : public engine::KeyVault {
  public:
    FileKeyVault(std::string state_dir, const config::SlotConfig& slot)
        : state_dir_(std::move(state_dir)), slot_(slot) {}

    Result<engine::SlotKey> generate_key(const std::string& slot, TimePoint now) override;
    Result<engine::ObtainedCertificate> obtain_certificate(const std::string& slot,
                                                           const engine::SlotKey& key) override;
    Result<std::vector<TlsaRecord>> chain_matches(
        const std::string& slot, const engine::SlotKey& key,
        const std::vector<TlsaRecord>& published) override;
    Status deploy(const std::string& slot, const engine::SlotKey& key) override;

    // certificates = "acme": ACME renewal information for the key's stored chain.
    std::optional<TimePoint> renewal_time(const std::string& slot,
                                          const engine::SlotKey& key) override;

    // certificates = "acme": the client that obtain_certificate runs (not owned).
    void use_acme(AcmeIssuer* issuer) { acme_ = issuer; }
    // The endpoints whose senders authenticate by WebPKI (MTA-STS enforce): a pending chain that
    // fails one of them is refused (sender_refusals).
    void demand_webpki(std::vector<cert::WebPkiDemand> demands) { webpki_ = std::move(demands); }
    std::vector<std::string> sender_refusals(const std::string& slot,
                                             const engine::SlotKey& key) override;

    // Takes over what is served now (adoption): the key file and chain become the current key.
    Result<engine::SlotKey> import_served(TimePoint now);

    [[nodiscard]] std::string key_path(const std::string& id) const;
    [[nodiscard]] std::string chain_path(const std::string& id) const;
    // A CSR for the key, naming every endpoint host.
    Result<std::string> make_csr(const engine::SlotKey& key) const;
    // Checks a chain for the key (order, key, validity, names) and stores it; its expiry.
    Result<engine::ObtainedCertificate> store_chain(const engine::SlotKey& key,
                                                    const std::string& chain_text,
                                                    const std::string& source);

    // The chain in canonical PEM if it is for the key, in order, valid now and names every
    // endpoint host, and (command and hook slots) verifies to the slot's issuer_ca_file and ends
    // within engine::longest_certificate_life; check_failed otherwise.
    Result<std::string> check_chain_for_key(const std::string& chain_text,
                                            const engine::SlotKey& key,
                                            const std::string& source) const;

  private:
    Status ensure_dirs() const;
    // The slot's [[host]]s, over SSH (ssh_deploy.h), after the local files and reloads.
    Status deploy_to_hosts(const engine::SlotKey& key, const std::string& key_pem,
                           const std::string& chain_text) const;
    std::string state_dir_;
    const config::SlotConfig& slot_;
    AcmeIssuer* acme_ = nullptr;
    std::vector<cert::WebPkiDemand> webpki_;
};

}  // namespace dk::service
