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

// IP:PORT (port 53 when left out); a problem is reported and nullopt returned otherwise.
std::optional<HostPort> host_port(Table& t, std::string_view key, bool required);
// A list of them; nullopt when a problem was reported, empty when the key is absent.
std::optional<std::vector<HostPort>> host_ports(Table& t, std::string_view key);

// A list of argv lists, each starting with an absolute program path (run without a shell).
std::vector<std::vector<std::string>> argv_lists(Table& t, std::string_view key);

SlotConfig parse_slot(Table& t);
RemoteHostConfig parse_host(Table& t);  // host_parser.cc

// The signed-file keys of a [[zone]] (publisher = "signed-file"); elsewhere they are refused.
SignedFileConfig parse_signed_file(Table& t);
void refuse_signed_file_keys(Table& t);
// The mta_sts_* keys of a [[zone]] (mta_sts_parser.cc); nullopt without mta_sts_mode.
std::optional<MtaStsConfig> parse_mta_sts(Table& t);

// The key-management keys of a signed-file [[zone]] (schema Only::managed_keys;
// dnssec_key_parser.cc).
DnssecKeyConfig parse_dnssec_keys(Table& t);
// The optional [audit] and [metrics] tables (audit_parser.cc).
void parse_audit(Table& top, Config& c, Problems& p);
void parse_metrics(Table& top, Config& c, Problems& p);
void parse_tlsrpt(Table& top, Config& c, Problems& p);
// A list of TLSRPT report URIs (tlsrpt_parser.cc): each checked, the record they make bounded.
std::vector<std::string> parse_rua(Table& t, std::string_view key);
// The optional [monitoring] and [log] tables (monitoring_parser.cc).
void parse_monitoring(Table& top, Config& c, Problems& p);
void parse_log(Table& top, Config& c, Problems& p);
// [acme] (acme_parser.cc), and the acme slots' need of it.
std::optional<AcmeConfig> parse_acme(Table& top, Problems& p);
void check_acme_slots(Config& c, const std::vector<std::uint32_t>& slot_lines, Problems& p);

// Checks across tables: duplicate names and endpoints, each endpoint inside one zone (which
// becomes the slot's zone). slot_lines[i] is where slot i's table starts.
void cross_check(Config& c, const std::vector<std::uint32_t>& zone_lines,
                 const std::vector<std::uint32_t>& slot_lines, Problems& p);
// Each slot's hosts exist; resolves them into the slot's remote_hosts (host_parser.cc).
void resolve_slot_hosts(Config& c, const std::vector<std::uint32_t>& slot_lines,
                        const std::vector<std::uint32_t>& host_lines, Problems& p);

}  // namespace dk::config
