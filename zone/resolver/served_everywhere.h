// "Served everywhere": the one test of whether every authoritative server already serves what we
// published, for TLSA RRsets (zone::ServerView) and DNSKEY RRsets (dnssec_keys::ServerKeys) alike.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "zone/resolver/serial.h"

namespace dk::zone {

// There is at least one server, every one answered, at `serial` or a later one, and `serves`
// holds for what it answered. Server has `bool answered` and `std::uint32_t serial`.
template <typename Server, typename Serves>
bool served_everywhere(const std::vector<Server>& servers, std::uint32_t serial, Serves serves) {
    return !servers.empty() && std::all_of(servers.begin(), servers.end(), [&](const Server& s) {
        return s.answered && serial_at_least(s.serial, serial) && serves(s);
    });
}

}  // namespace dk::zone
