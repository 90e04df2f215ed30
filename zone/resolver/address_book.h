// Where a host is reachable: its A/AAAA addresses, from the configured overrides, the validating
// resolver, or (for the probe verb without a resolver) the system's resolver.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"

namespace dk::zone {

class AddressBook {
  public:
    AddressBook(std::map<std::string, std::vector<std::string>> overrides,
                std::optional<HostPort> resolver)
        : overrides_(std::move(overrides)), resolver_(std::move(resolver)) {}
    // An override first, then an address literal as itself, then A + AAAA through the resolver.
    Result<std::vector<std::string>> addresses(const std::string& host);
    // Where to probe the endpoint: its probe address when it names one, else its host's.
    Result<std::vector<std::string>> addresses(const Endpoint& endpoint);

  private:
    std::map<std::string, std::vector<std::string>> overrides_;  // absolute host name -> IPs
    std::optional<HostPort> resolver_;
};

// The host's addresses as getaddrinfo(3) finds them (numeric form).
Result<std::vector<std::string>> system_addresses(const std::string& host);

}  // namespace dk::zone
