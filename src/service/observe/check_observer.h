// What a DANE-validating sender sees for a mail domain: the MX RRset, each host's TLSA RRset and
// addresses through the validating resolver, then a probe of every host x address, all hosts
// concurrently. The verdict is ops::judge_host's.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "ops/verdict.h"
#include "probe/probe.h"
#include "zone/resolver/resolver.h"

namespace dk::service {

struct CheckedDomain {
    std::string domain;
    std::string problem;  // domain-level: no such domain, null MX, lookup failed
    std::vector<ops::HostObservation> hosts;
    std::vector<probe::ProbeResult> probes;  // every host x address, for the evidence
};

// The sender's reading of the resolver's verdict; no reply at all is "unreachable".
ops::Lookup sender_lookup(const Result<zone::ResolverReply>& reply);

std::vector<CheckedDomain> observe_domains(const HostPort& resolver,
                                           const std::vector<std::string>& domains,
                                           std::uint16_t port, std::chrono::milliseconds timeout);

}  // namespace dk::service
