// Links a slot's endpoint owners to its shared TLSA owner (zone/shared_owner.h) against the real
// primary: reads what it serves, takes the one planned step, and waits for the shared RRset to be
// served everywhere before any endpoint becomes a CNAME to it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "engine/ports.h"
#include "zone/publisher.h"
#include "zone/shared_owner.h"
#include "zone/tlsa_view.h"

namespace dk::service {

struct SharedOwnerOptions {
    std::string zone;    // absolute
    std::string shared;  // absolute: the slot's tlsa_owner
    std::uint32_t ttl = 0;
    // Holds the time before which no record leaves the shared RRset (one unix time), so that a
    // restart keeps the wait for the TLSA RRsets a link replaced.
    std::string hold_file;
    Seconds propagation_deadline{60};
};

class SharedOwnerLink {
  public:
    SharedOwnerLink(zone::Publisher& publisher, zone::TlsaView& view, SharedOwnerOptions options)
        : publisher_(publisher), view_(view), options_(std::move(options)) {}

    Result<engine::OwnerPreparation> prepare(const std::vector<std::string>& owners, TimePoint now,
                                             bool apply);
    [[nodiscard]] const std::string& shared() const { return options_.shared; }

    // What the primary serves at the shared owner and at each endpoint owner.
    Result<zone::SharedOwnerAtPrimary> read_primary(const std::vector<std::string>& owners);

  private:
    bool shared_served_everywhere(TimePoint now);
    Status await_shared(TimePoint now);
    Result<std::string> relink_dropped(const std::vector<std::string>& owners,
                                       const std::string& serial);
    Result<std::optional<TimePoint>> hold() const;
    Status extend_hold(TimePoint until) const;
    zone::Publisher& publisher_;
    zone::TlsaView& view_;
    SharedOwnerOptions options_;
};

}  // namespace dk::service
