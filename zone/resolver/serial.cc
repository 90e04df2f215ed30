#include "zone/resolver/serial.h"

namespace dk::zone {

bool serial_at_least(std::uint32_t a, std::uint32_t b) {
    return static_cast<std::uint32_t>(a - b) < 0x80000000U;
}

}  // namespace dk::zone
