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

class ProberAdapter final : public engine::EndpointProber {
  public:
    ProberAdapter(AddressBook& book, probe::ProbeOptions options)
        : book_(book), options_(std::move(options)) {}
    std::vector<engine::EndpointView> probe(
        const std::vector<Endpoint>& endpoints,
        const std::vector<engine::OwnerView>& published) override;

  private:
    AddressBook& book_;
    probe::ProbeOptions options_;
};

}  // namespace dk::service
