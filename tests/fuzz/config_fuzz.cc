// Fuzzes the configuration parser: never crash; a success is internally consistent, a failure
// is bad input with every line naming the file.
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string_view>

#include "config/config.h"

namespace {

void check_consistent(const dk::config::Config& c) {
    for (const auto& slot : c.slots) {
        if (slot.endpoints.empty() || c.zone(slot.zone) == nullptr) std::abort();
        for (const auto& ep : slot.endpoints) {
            // A probe address is an IP literal with a real port; names stay the endpoint's.
            if (ep.port == 0 || ep.host.empty()) std::abort();
            if (ep.probe_at && (ep.probe_at->port == 0 || !dk::is_ip_address(ep.probe_at->host)))
                std::abort();
        }
    }
    for (const auto& zone : c.zones) {
        if (zone.tlsa_ttl < 1 || zone.tlsa_ttl > 86400 || zone.name.back() != '.') std::abort();
    }
}

void check_problems(const dk::Error& error, const std::string& source) {
    if (error.kind != dk::ErrorKind::bad_input) std::abort();
    std::istringstream lines(error.message);
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with(source + ":")) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;  // configurations are small; keeps each run quick
    const std::string source = "fuzz.toml";
    auto c = dk::config::parse_config(std::string_view(reinterpret_cast<const char*>(data), size),
                                      source);
    if (c.ok())
        check_consistent(*c);
    else
        check_problems(c.error(), source);
    return 0;
}
