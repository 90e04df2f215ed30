// The configuration file (TOML): what danekeeper manages and how. Parsed from text so it can be
// tested and fuzzed; every problem is reported as FILE:LINE: FIELD: problem, all of them at once.
// Every key's type, default, range and meaning is in schema.h; the defaults below are read from
// it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "config/schema.h"

namespace dk::config {

using schema::boolean_default;
using schema::integer_default;
using schema::text_default;

// The DNSSEC keys danekeeper manages for a signed-file zone without keys_dir: a KSK and a ZSK in
// STATE_DIR/dnssec/ZONE, rolled by zone/dnssec_keys (ZSK pre-publication, KSK double-DS).
struct DnssecKeyConfig {
    int zsk_lifetime_days = integer_default("zone", "zsk_lifetime_days");  // 0: only on request
    int ksk_lifetime_days = integer_default("zone", "ksk_lifetime_days");  // 0: only on request
    int publish_safety_seconds = integer_default("zone", "key_publish_safety_seconds");
    int retire_safety_seconds = integer_default("zone", "key_retire_safety_seconds");
    int ds_ttl = integer_default("zone", "ds_ttl");  // until a parent server shows the DS
};

// publisher = "signed-file": danekeeper signs the operator's zone file itself and writes the
// signed file a name server serves (zone/sign); the records it manages are added to it.
struct SignedFileConfig {
    std::string unsigned_file;                     // the operator's zone file; never written
    std::string signed_file;                       // written atomically after every change
    std::vector<std::vector<std::string>> reload;  // argv lists run after each write
    std::optional<std::string> keys_dir;  // BIND K* files; none: keys managed (DnssecKeyConfig)
    std::string algorithm{text_default("zone", "algorithm")};  // of the keys danekeeper makes
    bool nsec3 = boolean_default("zone", "nsec3");             // RFC 9276 parameters
    int signature_validity_days = integer_default("zone", "signature_validity_days");
    int refresh_days = integer_default("zone", "refresh_days");
    int jitter_hours = integer_default("zone", "jitter_hours");
    std::string serial{text_default("zone", "serial")};
    DnssecKeyConfig keys;  // used when keys_dir is not set
};

// MTA-STS (RFC 8461) for the mail domain named like the zone: the policy file danekeeper writes
// for the web server, the `_mta-sts` TXT it keeps in step, what `mta-sts check` fetches.
struct MtaStsConfig {
    std::string mode;  // none, testing, enforce
    int max_age = integer_default("zone", "mta_sts_max_age");
    std::string policy_file;
    std::vector<std::string> addresses;    // of mta-sts.ZONE; empty: A/AAAA through the resolver
    std::optional<std::string> ca_bundle;  // WebPKI roots; none: the system store
};

struct ZoneConfig {
    std::string name;  // absolute, with the trailing dot
    std::string publisher{text_default("zone", "publisher")};
    std::optional<SignedFileConfig> signed_file;  // publisher = "signed-file"
    HostPort primary;  // signed-file: the first server of the file (default: authoritative[0])
    std::string tsig_key_file;
    std::optional<std::string> tsig_key_name;
    std::vector<HostPort> authoritative;  // empty: the NS RRset's addresses
    // Where the zone's DS is read; none: not read, and managed KSKs do not roll.
    std::vector<HostPort> parent_servers;
    std::uint32_t tlsa_ttl = integer_default("zone", "tlsa_ttl");
    // The URIs of the _smtp._tls TXT record kept in step (its own, else [tlsrpt] rua); empty:
    // the record is not managed.
    std::vector<std::string> tlsrpt_rua;
    bool tlsrpt_rua_set = false;          // the zone's own list (parse_config fills in the default)
    std::optional<MtaStsConfig> mta_sts;  // mta_sts_mode set
};

// The `danekeeper publish` command line for the zone's primary and TSIG key ("danekeeper publish
// --zone Z --server P --tsig-key F"), for fix lines; empty for a signed-file zone.
std::string publish_command(const ZoneConfig& zone);

// [[host]]: an MX host on another machine, reached over SSH (service/keys/ssh_deploy.h). Every
// word that reaches the remote shell (paths, owner, group, reload) is checked here to need no
// quoting: remote_word() below.
struct RemoteHostConfig {
    std::string name;
    std::string ssh_user;
    std::string ssh_address;  // an IP or a DNS name
    int port = integer_default("host", "port");
    std::string identity_file;
    std::string known_hosts;
    std::string key_file;   // in a slot's remote_hosts: for that slot ({slot} replaced)
    std::string cert_file;  // the same
    std::string key_mode{text_default("host", "key_mode")};
    std::optional<std::string> owner;
    std::optional<std::string> group;
    std::vector<std::vector<std::string>> reload;
    int connect_timeout = integer_default("host", "connect_timeout");
    int command_timeout = integer_default("host", "command_timeout");
};

// A word the remote shell reads as itself: letters, digits and / . _ + , : = @ - only, not
// empty; no '%' or '~' (ssh expands them in its own file names).
bool remote_word(std::string_view word);
// An absolute remote path of remote words with no "." or ".." component.
bool remote_path(std::string_view path);
// A user or group name as useradd takes it.
bool account_name(std::string_view name);

struct SlotConfig {
    std::string name;
    std::string algorithm{text_default("key", "algorithm")};
    std::vector<Endpoint> endpoints;
    std::map<std::string, std::vector<std::string>> addresses;  // host -> IPs (instead of DNS)
    std::string cert_file;                     // served chain (leaf first), written atomically
    std::string key_file;                      // served key, key_mode and key_group
    std::optional<std::string> combined_file;  // key + chain in one file (Postfix chain files)
    std::string key_mode{text_default("key", "key_mode")};  // "0600" or "0640"
    std::optional<std::string> key_group;  // group of the key files (the service user's: none)
    std::vector<std::vector<std::string>> reload;
    std::string certificates{text_default("key", "certificates")};
    std::vector<std::string> issue_command;        // {csr} {chain} {key} {slot}
    std::optional<std::string> issuer_ca_file;     // roots of command/hook chains (system)
    std::vector<std::string> issuer_certificates;  // CA certificate files, published as 2 1 1
    int renew_before_days = integer_default("key", "renew_before_days");
    bool renew_before_days_set = false;  // else [acme] renew_before_days applies to acme slots
    int rollover_every_days = integer_default("key", "rollover_every_days");
    int margin_seconds = integer_default("key", "margin_seconds");
    std::string zone;                            // the zone holding the endpoints' TLSA owners
    std::optional<std::string> tlsa_owner;       // shared TLSA owner (RFC 7671 CNAME pattern)
    std::vector<std::string> hosts;              // [[host]] names the key also goes to
    std::vector<RemoteHostConfig> remote_hosts;  // those hosts, with this slot's paths
};

// [audit]: what `danekeeper audit` and the lint compare against.
struct AuditConfig {
    std::vector<std::string> certified_ca_spki_sha256;  // lower-case hex (EMLREQ_6)
    int rrsig_warn_days = integer_default("audit", "rrsig_warn_days");
    int max_tlsa_records = integer_default("audit", "max_tlsa_records");
};

// [metrics]: Prometheus metrics after every run (see ops/metrics.h).
struct MetricsConfig {
    std::optional<HostPort> listen;   // HTTP listener, an IP literal and port
    std::optional<std::string> file;  // textfile-collector file, written atomically
};

// [tlsrpt]: where SMTP TLS reports (RFC 8460) arrive.
struct TlsrptConfig {
    std::optional<std::string> maildir;  // a Maildir: new/, cur/, tmp/
    std::vector<std::string> rua;        // report URIs, checked (base/tlsrpt_record.h)
    // HTTPS POST receiver (service/tlsrpt/https_receiver.h): listening when https_listen is set.
    std::optional<HostPort> https_listen;
    std::string https_cert_file;
    std::string https_key_file;
    std::string https_path{text_default("tlsrpt", "https_path")};
    long long https_max_body_bytes = integer_default("tlsrpt", "https_max_body_bytes");
    int https_max_connections = integer_default("tlsrpt", "https_max_connections");
};

// [acme]: danekeeper's own ACME client, for slots with certificates = "acme".
struct AcmeConfig {
    std::string directory;  // https URL of the CA's directory
    std::vector<std::string> contact;
    std::optional<std::string> ca_bundle;       // trust for the ACME server's TLS (system if unset)
    std::optional<std::string> issuer_ca_file;  // roots issued chains must verify to (system)
    std::string challenge{text_default("acme", "challenge")};
    std::optional<std::string> webroot;  // http-01: the document root served on port 80
    std::optional<std::string> eab_kid;
    std::optional<std::string> eab_key_file;     // base64url MAC key, 0600
    std::optional<std::string> preferred_chain;  // top issuer CN
    int renew_before_days = integer_default("acme", "renew_before_days");
    int dns01_max_cache_wait_seconds = integer_default("acme", "dns01_max_cache_wait_seconds");
};

// [monitoring]: what `status --nagios` expects of the runs, and the status snapshot for checks
// run as another user.
struct MonitoringConfig {
    int run_interval_seconds = integer_default("monitoring", "run_interval_seconds");
    int stale_warning_factor = integer_default("monitoring", "stale_warning_factor");
    int stale_critical_factor = integer_default("monitoring", "stale_critical_factor");
    std::optional<std::string> status_file;
    std::optional<std::string> status_file_group;
};

// [log]: how much of the event log is kept (0: no bound).
struct LogConfig {
    int retention_days = integer_default("log", "retention_days");
    long long retention_rows = integer_default("log", "retention_rows");
};

struct Config {
    std::string source;
    std::string state_dir{text_default("", "state_dir")};
    std::optional<HostPort> resolver;
    std::optional<std::string> trust_anchor_file;
    std::optional<std::string>
        parent_anchor_file;  // DS/DNSKEY of the parent zone (zone/parent_ds.h)
    std::vector<ZoneConfig> zones;
    std::vector<SlotConfig> slots;
    AuditConfig audit;
    MetricsConfig metrics;
    TlsrptConfig tlsrpt;
    std::optional<AcmeConfig> acme;
    std::vector<RemoteHostConfig> hosts;
    MonitoringConfig monitoring;
    LogConfig log;

    [[nodiscard]] const SlotConfig* slot(std::string_view name) const;
    [[nodiscard]] const ZoneConfig* zone(std::string_view name) const;
};

inline constexpr const char* default_config_path = "/etc/danekeeper/danekeeper.toml";

// Pure: text in, Config or every problem (bad_input, one "SOURCE:LINE: FIELD: problem" per line).
Result<Config> parse_config(std::string_view text, const std::string& source);

// Reads the file (bounded) and parses it.
Result<Config> load_config(const std::string& path);

// A warning (not a problem: the file is valid) when [metrics] listen is a wildcard address
// (0.0.0.0, ::): the metrics, which name every host and slot, are then served on every network.
std::optional<std::string> metrics_listen_warning(const Config& config);

// The checks that need the file system: key files exist and are private, programs exist.
Status check_files(const Config& config);

}  // namespace dk::config
