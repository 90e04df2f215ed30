// The pieces of parse_config, each in its own file; internal to src/config.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/toml_reader.h"

namespace dk::config {

// Lower case with the trailing dot: the form zone and host names are compared in.
std::string absolute_name(std::string name);

// Letters, digits, '-', '_' and non-empty labels; name is absolute (see absolute_name).
bool valid_domain_name(const std::string& name);

std::optional<HostPort> host_port(Table& t, std::string_view key, bool required);

SlotConfig parse_slot(Table& t);

// [acme] (acme_parser.cc), and the acme slots' need of it.
std::optional<AcmeConfig> parse_acme(Table& top, Problems& p);
void check_acme_slots(Config& c, const std::vector<std::uint32_t>& slot_lines, Problems& p);

// Checks across tables: duplicate names and endpoints, each endpoint inside one zone (which
// becomes the slot's zone). slot_lines[i] is where slot i's table starts.
void cross_check(Config& c, const std::vector<std::uint32_t>& zone_lines,
                 const std::vector<std::uint32_t>& slot_lines, Problems& p);

}  // namespace dk::config
