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

// The DNSSEC keys danekeeper manages for a signed-file zone without keys_dir: a KSK and a ZSK in
// STATE_DIR/dnssec/ZONE, rolled by zone/dnssec_keys (ZSK pre-publication, KSK double-DS).
struct DnssecKeyConfig {
    std::vector<HostPort> parent_servers;  // where the DS is watched; none: KSKs roll not at all
    int zsk_lifetime_days = 90;            // 0: only on request
    int ksk_lifetime_days = 0;             // 0: only on request
    int publish_safety_seconds = 3600;     // added to every introduction wait (RFC 7583)
    int retire_safety_seconds = 3600;      // added to every withdrawal wait
    int ds_ttl = 86400;                    // the parent's DS TTL until a parent server shows it
};

// publisher = "signed-file": danekeeper signs the operator's zone file itself and writes the
// signed file a name server serves (zone/sign); the records it manages are added to it.
struct SignedFileConfig {
    std::string unsigned_file;                     // the operator's zone file; never written
    std::string signed_file;                       // written atomically after every change
    std::vector<std::vector<std::string>> reload;  // argv lists run after each write
    std::optional<std::string> keys_dir;  // BIND K* files; none: keys managed (DnssecKeyConfig)
    std::string algorithm = "ecdsap256sha256";  // of the keys danekeeper makes
    bool nsec3 = false;                         // RFC 9276 parameters
    int signature_validity_days = 14;
    int refresh_days = 5;             // signatures with less left are made again
    int jitter_hours = 12;            // expirations spread over this much before the validity ends
    std::string serial = "unixtime";  // or "increment"
    DnssecKeyConfig keys;             // used when keys_dir is not set
};

struct ZoneConfig {
    std::string name;                             // absolute, with the trailing dot
    std::string publisher;                        // "rfc2136" or "signed-file"
    std::optional<SignedFileConfig> signed_file;  // publisher = "signed-file"
    HostPort primary;  // signed-file: the first server of the file (default: authoritative[0])
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
    AuditConfig audit;
    MetricsConfig metrics;
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
