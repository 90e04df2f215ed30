// The engine's EndpointProber: every address of every endpoint, verified against the owner's
// published RRset by OpenSSL's DANE verifier.
#pragma once

#include <string>
#include <vector>

#include "engine/ports.h"
#include "probe/probe.h"
#include "zone/resolver/address_book.h"

namespace dk::service {

// The engine's prober looks endpoints up through zone/resolver's address book.
using AddressBook = zone::AddressBook;

// A slot's key algorithm and endpoints, to decide which chain its probes ask for.
struct SlotChains {
    std::string algorithm;  // as configured: rsa-2048, ecdsa-p256...
    std::vector<Endpoint> endpoints;
};

// A slot that shares an endpoint (host and port) with a slot of another key family owns one of
// the endpoint's chains: its probes offer only its family's algorithms, so that it sees its own
// key whatever the server prefers. A slot alone on its endpoints offers everything, as a sender
// does (and sees what it sees today, also while its algorithm changes).
probe::KeyFamily handshake_family(const SlotChains& slot, const std::vector<SlotChains>& all);

class ProberAdapter final : public engine::EndpointProber {
  public:
    ProberAdapter(AddressBook& book, probe::ProbeOptions options,
                  probe::KeyFamily family = probe::KeyFamily::any)
        : book_(book), options_(std::move(options)), family_(family) {}
    std::vector<engine::EndpointView> probe(
        const std::vector<Endpoint>& endpoints,
        const std::vector<engine::OwnerView>& published) override;
    // What its handshakes offer (handshake_family): one family, or every algorithm.
    [[nodiscard]] probe::KeyFamily family() const { return family_; }

  private:
    AddressBook& book_;
    probe::ProbeOptions options_;
    probe::KeyFamily family_;
};

}  // namespace dk::service
