// The engine's DnsPublisher on top of the RFC 2136 publisher: one guarded update per owner.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ports.h"
#include "zone/publisher.h"

namespace dk::service {

class DnsPublisherAdapter final : public engine::DnsPublisher {
  public:
    DnsPublisherAdapter(zone::Publisher& publisher, std::string zone, std::uint32_t ttl)
        : publisher_(publisher), zone_(std::move(zone)), ttl_(ttl) {}

    Result<std::string> publish(const std::vector<engine::TlsaChange>& changes) override;

  private:
    zone::Publisher& publisher_;
    std::string zone_;
    std::uint32_t ttl_;
};

}  // namespace dk::service
