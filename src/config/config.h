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
    bool renew_before_days_set = false;  // else [acme] renew_before_days applies to acme slots
    int rollover_every_days = 365;
    int margin_seconds = 900;
    std::string zone;  // the zone holding the endpoints' TLSA owners
};

// [acme]: danekeeper's own ACME client, for slots with certificates = "acme".
struct AcmeConfig {
    std::string directory;  // https URL of the CA's directory
    std::vector<std::string> contact;
    std::optional<std::string> ca_bundle;       // trust for the ACME server's TLS (system if unset)
    std::optional<std::string> issuer_ca_file;  // roots issued chains must verify to (system)
    std::string challenge = "dns-01";           // or "http-01"
    std::optional<std::string> webroot;         // http-01: the document root served on port 80
    std::optional<std::string> eab_kid;
    std::optional<std::string> eab_key_file;     // base64url MAC key, 0600
    std::optional<std::string> preferred_chain;  // top issuer CN
    int renew_before_days = 30;                  // for acme slots that do not set their own
};

struct Config {
    std::string source;
    std::string state_dir = "/var/lib/danekeeper";
    std::optional<HostPort> resolver;
    std::optional<std::string> trust_anchor_file;
    std::vector<ZoneConfig> zones;
    std::vector<SlotConfig> slots;
    std::optional<AcmeConfig> acme;

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
