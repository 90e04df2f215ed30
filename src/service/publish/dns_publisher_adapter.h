// The engine's DnsPublisher on top of the RFC 2136 publisher: one guarded update per owner. With
// a shared owner (a slot's tlsa_owner) every endpoint owner is a CNAME to it and each change goes
// to the shared RRset once, whichever endpoint the engine saw it at.
#pragma once

#include <cstdint>
#include <string>

#include "engine/ports.h"
#include "service/publish/shared_owner_link.h"
#include "zone/publisher.h"

namespace dk::service {

class DnsPublisherAdapter final : public engine::DnsPublisher {
  public:
    DnsPublisherAdapter(zone::Publisher& publisher, std::string zone, std::uint32_t ttl)
        : publisher_(publisher), zone_(std::move(zone)), ttl_(ttl) {}

    // The slot's records live at link's shared owner from now on.
    void share_through(SharedOwnerLink& link) { link_ = &link; }

    Result<std::string> publish(const std::vector<engine::TlsaChange>& changes) override;
    // publish() in two halves, for sending several slots' changes in one UPDATE
    // (apply_batched): the guarded change, then what the primary's answer means for the engine.
    Result<zone::ZoneChange> change_for(const std::vector<engine::TlsaChange>& changes) const;
    Result<std::string> answer(const zone::ZoneChange& change,
                               const zone::UpdateResult& result) const;
    [[nodiscard]] const std::string& zone() const { return zone_; }
    [[nodiscard]] zone::Publisher& publisher() const { return publisher_; }
    Result<engine::OwnerPreparation> prepare_owners(const std::vector<std::string>& owners,
                                                    TimePoint now, bool apply) override;

  private:
    SharedOwnerLink* link_ = nullptr;
    zone::Publisher& publisher_;
    std::string zone_;
    std::uint32_t ttl_;
};

}  // namespace dk::service
