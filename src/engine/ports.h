// The engine's view of the world: small interfaces the program implements with the real
// DNS, TLS, files, CA and SQLite pieces, and tests implement with fakes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/endpoint.h"
#include "base/result.h"
#include "engine/actions.h"
#include "engine/observations.h"
#include "engine/slot_state.h"

namespace dk::engine {

// Reads every authoritative server for the slot's TLSA owners (RD=0, DNSSEC validated).
class DnsView {
  public:
    virtual ~DnsView() = default;
    virtual Result<std::vector<OwnerView>> observe(const std::vector<std::string>& owners) = 0;
    // After an update: poll until every server serves what the primary serves, or the deadline.
    virtual Status await_propagation(const std::vector<std::string>& owners, Seconds deadline) = 0;
    // What keeps every record from validating, whatever is published (Observations::
    // trust_problems); none when the chain of trust holds.
    virtual std::vector<std::string> trust_problems() { return {}; }
};

// Where the owners stand before the engine plans (a shared TLSA owner's CNAMEs, RFC 7671).
struct OwnerPreparation {
    enum class Kind {
        ready,    // the owners serve what publish() changes: plan
        changed,  // one guarded step was taken (or would be, in a dry run): look again
        waiting,  // a step waits for propagation: look again after the poll interval
        refused,  // the zone holds something that is not ours to replace: alert
    };
    Kind kind = Kind::ready;
    std::string reason;
    // Nothing may leave the published RRset before this (resolvers may still hold the RRsets a
    // link replaced).
    std::optional<TimePoint> removals_not_before;
};

// Sends prerequisite-guarded updates (all of a slot's changes in one; the daemon's runs send
// several slots' together, service::publish_together).
class DnsPublisher {
  public:
    virtual ~DnsPublisher() = default;
    // Returns what the primary said (outcome, new serial) for the event log.
    virtual Result<std::string> publish(const std::vector<TlsaChange>& changes) = 0;
    // Brings the owners to where publish() puts records, one guarded step per call (apply) or
    // says what that step would be (dry run). Default: each owner holds its own RRset.
    virtual Result<OwnerPreparation> prepare_owners(const std::vector<std::string>& /*owners*/,
                                                    TimePoint /*now*/, bool /*apply*/) {
        return OwnerPreparation{};
    }
};

// Probes every address of every endpoint; verifies DANE against the owner's published RRset.
class EndpointProber {
  public:
    virtual ~EndpointProber() = default;
    virtual std::vector<EndpointView> probe(const std::vector<Endpoint>& endpoints,
                                            const std::vector<OwnerView>& published) = 0;
};

// A stored certificate: when it expires and who issued it (for the event log).
struct ObtainedCertificate {
    TimePoint not_after{};
    std::string issuer;  // the leaf's issuer, as OpenSSL prints it (one line)
    // "issued by ISSUER, valid until TIME", as events record it.
    [[nodiscard]] std::string describe() const {
        return "issued by " + issuer + ", valid until " + iso_time(not_after);
    }
};

// The slot's keys and certificates on disk (0600 key store in the state dir).
class KeyVault {
  public:
    virtual ~KeyVault() = default;
    virtual Result<SlotKey> generate_key(const std::string& slot, TimePoint now) = 0;
    // Asks the configured source (command, ACME, hook) for a chain for this key; stores it.
    virtual Result<ObtainedCertificate> obtain_certificate(const std::string& slot,
                                                           const SlotKey& key) = 0;
    // The records the stored chain for this key matches, for the given combinations.
    virtual Result<std::vector<TlsaRecord>> chain_matches(
        const std::string& slot, const SlotKey& key, const std::vector<TlsaRecord>& published) = 0;
    // Writes the stored chain and key to the served paths atomically and runs the reloads.
    virtual Status deploy(const std::string& slot, const SlotKey& key) = 0;
    // Why senders that apply a published policy other than DANE would refuse this key's stored
    // chain at an endpoint (MTA-STS in enforce mode: a chain not valid under the WebPKI roots,
    // RFC 8461 section 4.2); one line each naming the endpoint and the fix; none: no such policy.
    virtual std::vector<std::string> sender_refusals(const std::string& /*slot*/,
                                                     const SlotKey& /*key*/) {
        return {};
    }
    // When the certificate source wants this key's certificate renewed (ACME's renewalInfo);
    // nullopt: it has no opinion and renew_before decides.
    virtual std::optional<TimePoint> renewal_time(const std::string& /*slot*/,
                                                  const SlotKey& /*key*/) {
        return std::nullopt;
    }
};

// Durable state: every transition in one transaction, with an event for the log.
class StateStore {
  public:
    virtual ~StateStore() = default;
    virtual Result<std::optional<SlotState>> load(const std::string& slot) = 0;
    virtual Status save(const SlotState& state, const std::string& event_kind,
                        const std::string& details) = 0;
    virtual Status record_event(const std::string& slot, const std::string& event_kind,
                                const std::string& details) = 0;
};

}  // namespace dk::engine
