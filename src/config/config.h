// The configuration file (TOML): what danekeeper manages and how. Parsed from text so it can be
// tested and fuzzed; every problem is reported as FILE:LINE: FIELD: problem, all of them at once.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"

namespace dk::config {

struct ZoneConfig {
    std::string name;       // absolute, with the trailing dot
    std::string publisher;  // "rfc2136"
    HostPort primary;
    std::string tsig_key_file;
    std::optional<std::string> tsig_key_name;
    std::vector<HostPort> authoritative;  // empty: the NS RRset's addresses
    std::uint32_t tlsa_ttl = 3600;
};

struct SlotConfig {
    std::string name;
    std::string algorithm = "ecdsa-p256";
    std::vector<Endpoint> endpoints;
    std::map<std::string, std::vector<std::string>> addresses;  // host -> IPs (instead of DNS)
    std::string cert_file;                     // served chain (leaf first), written atomically
    std::string key_file;                      // served key, 0600
    std::optional<std::string> combined_file;  // key + chain in one file (Postfix chain files)
    std::vector<std::vector<std::string>> reload;
    std::string certificates = "command";
    std::vector<std::string> issue_command;  // {csr} {chain} {key} {slot}
    int renew_before_days = 30;
    int rollover_every_days = 365;
    int margin_seconds = 900;
    std::string zone;  // the zone holding the endpoints' TLSA owners
};

// [audit]: what `danekeeper audit` and the lint compare against.
struct AuditConfig {
    std::vector<std::string> certified_ca_spki_sha256;  // lower-case hex (EMLREQ_6)
    int rrsig_warn_days = 7;
    int max_tlsa_records = 12;
};

// [metrics]: Prometheus metrics after every run (see ops/metrics.h).
struct MetricsConfig {
    std::optional<HostPort> listen;   // HTTP listener, an IP literal and port
    std::optional<std::string> file;  // textfile-collector file, written atomically
};

struct Config {
    std::string source;
    std::string state_dir = "/var/lib/danekeeper";
    std::optional<HostPort> resolver;
    std::optional<std::string> trust_anchor_file;
    std::vector<ZoneConfig> zones;
    std::vector<SlotConfig> slots;
    AuditConfig audit;
    MetricsConfig metrics;

    [[nodiscard]] const SlotConfig* slot(std::string_view name) const;
    [[nodiscard]] const ZoneConfig* zone(std::string_view name) const;
};

inline constexpr const char* default_config_path = "/etc/danekeeper/danekeeper.toml";

// Pure: text in, Config or every problem (bad_input, one "SOURCE:LINE: FIELD: problem" per line).
Result<Config> parse_config(std::string_view text, const std::string& source);

// Reads the file (bounded) and parses it.
Result<Config> load_config(const std::string& path);

// The checks that need the file system: key files exist and are private, programs exist.
Status check_files(const Config& config);

}  // namespace dk::config
