// Fuzzes the certificate/key loader (PEM and DER): refuse or accept, never crash or leak.
#include <cstdint>
#include <string_view>

#include "cert/material.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;  // cap before parsing
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto material = dk::cert::parse_material(bytes, "fuzz");
    (void)material;
    return 0;
}
