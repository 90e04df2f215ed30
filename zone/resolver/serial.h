// Serial number arithmetic (RFC 1982) for SOA serials.
#pragma once

#include <cstdint>

namespace dk::zone {

// Serial a is b or later: equal, or ahead by less than half the 32-bit space.
bool serial_at_least(std::uint32_t a, std::uint32_t b);

}  // namespace dk::zone
