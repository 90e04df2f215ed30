// SOA serials: the next one is greater (RFC 1982 serial arithmetic) than both the unsigned
// file's and the last one published, as a Unix time when that is greater, else one more.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

enum class SerialPolicy { unixtime, increment };

std::optional<SerialPolicy> parse_serial_policy(std::string_view text);

// RFC 1982: a is greater than b.
bool serial_greater(std::uint32_t a, std::uint32_t b);

std::uint32_t next_serial(std::uint32_t file_serial, std::optional<std::uint32_t> last_published,
                          SerialPolicy policy, TimePoint now);

// The apex SOA's serial, and its TTL for NSEC/NSEC3 (RFC 9077: min of SOA TTL and MINIMUM).
std::optional<std::uint32_t> soa_serial(const Zone& zone);
void set_soa_serial(Zone& zone, std::uint32_t serial);
std::uint32_t negative_ttl(const Zone& zone);

}  // namespace dk::zone::sign
