// Fuzzes the TLSA presentation parser: it must refuse or accept, never crash, and what it
// accepts must print back to something it accepts again with the same value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/tlsa.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096) return 0;  // cap before parsing
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto parsed = dk::parse_tlsa_rdata(text);
    if (!parsed.ok()) return 0;
    auto again = dk::parse_tlsa_rdata(parsed->rdata_text());
    if (!again.ok() || !(again.value() == parsed.value())) std::abort();
    return 0;
}
