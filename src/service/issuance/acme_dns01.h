// dns-01 through the zone's own publisher: _acme-challenge TXT records added by guarded changes
// (RFC 2136, or our records in a zone file we sign: zone/sign/file_publisher.h), answered only
// once every authoritative server serves them and nothing a resolver may hold from before can
// contradict them any more, removed afterwards.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "acme/responder.h"
#include "service/issuance/dns01_cache_wait.h"
#include "zone/publisher.h"

namespace dk::service {

struct Dns01Options {
    std::string zone;                     // absolute
    std::vector<HostPort> authoritative;  // every server that must serve the TXT
    zone::TransportOptions transport;     // for the TXT queries (as the DNS observer sends them)
    std::chrono::seconds deadline{60};    // for every server to serve the records
    std::uint32_t ttl = 60;
    // Once served everywhere, the CA is told to look only after what resolvers may still hold
    // from before (dns01_cache_wait.h) has expired; at most this long.
    std::chrono::seconds max_cache_wait{600};
};

class Dns01Responder final : public acme::Responder {
  public:
    Dns01Responder(zone::Publisher& publisher, Dns01Options options)
        : publisher_(publisher), options_(std::move(options)) {}
    [[nodiscard]] std::string challenge_type() const override { return "dns-01"; }
    Status present(const std::vector<acme::ChallengeTask>& tasks) override;
    void cleanup(const std::vector<acme::ChallengeTask>& tasks) override;

  private:
    Status change(const std::string& owner, const std::vector<std::string>& values,
                  zone::ChangeAction action);
    Status await_everywhere(const std::map<std::string, std::vector<std::string>>& wanted);
    [[nodiscard]] CacheWait prior_answers_wait(const std::vector<std::string>& owners) const;
    zone::Publisher& publisher_;
    Dns01Options options_;
};

// "_acme-challenge.NAME." for the identifier NAME (a wildcard's "*." dropped: RFC 8555 8.4);
// refused unless NAME is a host name (letters, digits, hyphens; dots between labels).
Result<std::string> challenge_owner(std::string identifier);

}  // namespace dk::service
