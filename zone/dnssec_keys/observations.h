// What the key planner is told about the world: what every authoritative server of the zone
// serves (serial and DNSKEY RRset) and what every server of the parent zone serves as the
// zone's DS RRset. Filled by the shell (zone_keys_view.h, parent_ds.h), read by the planner.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"

namespace dk::zone::dnssec_keys {

struct ServerKeys {
    std::string server;  // "127.0.0.1:53"
    bool answered = false;
    std::string problem;  // why not answered
    std::uint32_t serial = 0;
    std::vector<std::string> dnskeys;  // DNSKEY RDATAs (wire)
    std::uint32_t dnskey_ttl = 0;
};

struct ParentServerDs {
    std::string server;
    bool answered = false;
    std::string problem;
    std::vector<std::string> ds;  // DS RDATAs (wire); empty: the parent has no DS for the zone
    std::uint32_t ttl = 0;        // the DS RRset's TTL as served (0 when empty)
};

struct KeyObservations {
    TimePoint now{};
    std::optional<MonotonicReading> monotonic;  // read with now; nullopt: none on this system
    std::vector<ServerKeys> servers;            // every authoritative server of the zone
    std::vector<ParentServerDs> parent;         // every server of the parent zone
    bool parent_observed = false;               // parent servers are configured and were asked
};

// Every server answered (and there is at least one).
bool all_answered(const std::vector<ServerKeys>& servers);
bool all_answered(const std::vector<ParentServerDs>& parent);

}  // namespace dk::zone::dnssec_keys
