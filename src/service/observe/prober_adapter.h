// The engine's EndpointProber: every address of every endpoint, verified against the owner's
// published RRset by OpenSSL's DANE verifier.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/ports.h"
#include "probe/probe.h"
#include "zone/dns_transport.h"

namespace dk::service {

// A/AAAA of a host through the validating resolver (or the configured override).
class AddressBook {
  public:
    AddressBook(std::map<std::string, std::vector<std::string>> overrides,
                std::optional<HostPort> resolver)
        : overrides_(std::move(overrides)), resolver_(std::move(resolver)) {}
    Result<std::vector<std::string>> addresses(const std::string& host);

  private:
    std::map<std::string, std::vector<std::string>> overrides_;  // absolute host name -> IPs
    std::optional<HostPort> resolver_;
};

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
