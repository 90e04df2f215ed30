// The engine's DnsView on top of zone::TlsaView: every authoritative server, validated.
#pragma once

#include "base/clock.h"
#include "engine/ports.h"
#include "engine/safety.h"
#include "zone/tlsa_view.h"

namespace dk::service {

class DnsViewAdapter final : public engine::DnsView {
  public:
    DnsViewAdapter(zone::TlsaView& view, const Clock& clock) : view_(view), clock_(clock) {}
    Result<std::vector<engine::OwnerView>> observe(const std::vector<std::string>& owners) override;
    Status await_propagation(const std::vector<std::string>& owners, Seconds deadline) override;
    std::vector<std::string> trust_problems() override { return trust_problems_; }
    // What keeps every record from validating (service::parent_trust_problems), for this run.
    void set_trust_problems(std::vector<std::string> problems) {
        trust_problems_ = std::move(problems);
    }

    // One owner as the engine sees it, from what each server said (first = primary).
    static Result<engine::OwnerView> summarise(const std::string& owner,
                                               const std::vector<zone::ServerView>& servers);
    // Each server that does not yet serve the primary's RRset validated, and why: "ADDRESS
    // (FAMILY, NS NAME): PROBLEM", or the problem alone for an NS name without an address.
    static std::vector<std::string> lagging_servers(const std::vector<zone::ServerView>& servers);

  private:
    zone::TlsaView& view_;
    const Clock& clock_;
    std::vector<std::string> trust_problems_;
};

// The TTLs one server showed, for the engine's TTLmax (engine::owner_ttl_max).
engine::ServedTtls served_ttls(const zone::ServerView& server);

}  // namespace dk::service
