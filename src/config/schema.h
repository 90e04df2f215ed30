// The one table of configuration keys: each key's section, name, type, default, range and
// meaning. The parser takes its defaults, ranges, choices and known keys from here, config.h its
// member defaults; README's and the man page's key lists are checked against it
// (tests/unit/config/schema_docs_test.cc), so a key is described in exactly one place.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dk::config::schema {

enum class Type {
    string,
    path,        // absolute
    integer,     // min..max
    boolean,     // true or false
    strings,     // an array of strings
    server,      // IP:port (port 53 when left out)
    servers,     // an array of IP:port
    argv_lists,  // [["/absolute/program", "arg", ...], ...], run without a shell
    addresses,   // an inline table host = ["IP", ...]
};

// Keys that are only accepted in some tables of their section.
enum class Only {
    anywhere,
    signed_file,   // a [[zone]] with publisher = "signed-file"
    managed_keys,  // the same, and danekeeper manages its DNSSEC keys (no keys_dir)
    mta_sts,       // a [[zone]] with mta_sts_mode
};

struct Key {
    std::string_view section;  // "" (top level), or a section's name (sections below)
    std::string_view name;
    Type type;
    // The default as written in the file ("900", "ecdsa-p256", "false"); empty when there is
    // none, and then `absent` says what happens without the key ("required", "none", ...).
    std::string_view fallback;
    std::string_view absent;
    std::string_view meaning;  // one line; `code` in backquotes
    long long min = 0;         // integers: the accepted range
    long long max = 0;
    std::string_view choices;  // strings from a fixed set: the values, separated by spaces
    Only only = Only::anywhere;
};

struct Section {
    std::string_view name;    // as a key of the top level
    std::string_view header;  // as written in the file
    bool array;               // [[name]]: one table per item
};

inline constexpr Section sections[] = {
    {"dns", "[dns]", false},         {"zone", "[[zone]]", true},
    {"key", "[[key]]", true},        {"audit", "[audit]", false},
    {"metrics", "[metrics]", false}, {"acme", "[acme]", false},
    {"host", "[[host]]", true},      {"monitoring", "[monitoring]", false},
    {"log", "[log]", false},         {"tlsrpt", "[tlsrpt]", false},
};

using enum Type;

// clang-format off
inline constexpr Key keys[] = {
    {"", "state_dir", path, "/var/lib/danekeeper", "",
     "SQLite database, key store and requests; created 0700, refused if group/others can enter"},

    {"dns", "resolver", server, "", "none",
     "validating resolver used to look up endpoint addresses (and by `check` and `audit`)"},
    {"dns", "trust_anchor_file", path, "", "none",
     "DS or DNSKEY records (zone-file format, as unbound/BIND use); with it, every TLSA RRSIG is "
     "validated up to this anchor"},
    {"dns", "parent_anchor_file", path, "", "none",
     "DS or DNSKEY records of the zones' parent zone or of any ancestor (the root's: the chain "
     "down to the parent followed through `[dns] resolver`); with it, every zone is anchored at "
     "the DS its parent serves (at `parent_servers`, or the servers of the parent's NS RRset), "
     "validated from this anchor, instead of `trust_anchor_file`"},

    {"zone", "name", string, "", "required", "the zone that holds the TLSA owners"},
    {"zone", "publisher", string, "rfc2136", "",
     "how records reach the zone: RFC 2136 updates, or a zone file danekeeper signs itself",
     0, 0, "rfc2136 signed-file"},
    {"zone", "primary", server, "", "required for `rfc2136`; `signed-file`: `authoritative`[0]",
     "the primary that takes updates"},
    {"zone", "tsig_key_file", path, "", "required for `rfc2136`",
     "BIND-format key file (tsig-keygen); must be mode 0600"},
    {"zone", "tsig_key_name", string, "", "the file's only key", "which key, when the file holds several"},
    {"zone", "authoritative", servers, "", "the NS RRset's addresses",
     "servers to prove publication on"},
    {"zone", "tlsa_ttl", integer, "3600", "", "TTL of the records danekeeper adds", 1, 86400},
    {"zone", "tlsrpt_rua", strings, "", "`[tlsrpt] rua`",
     "this zone's TLSRPT report URIs instead of `[tlsrpt] rua`; `[]`: its `_smtp._tls` record "
     "is not managed"},
    {"zone", "unsigned_file", path, "", "required", "the operator's zone file, never written",
     0, 0, "", Only::signed_file},
    {"zone", "signed_file", path, "", "required",
     "the signed file the name server serves, written atomically after every change",
     0, 0, "", Only::signed_file},
    {"zone", "reload", argv_lists, "", "none",
     "run after each write (`knotc zone-reload`, `nsd-control reload`, `rndc reload`)",
     0, 0, "", Only::signed_file},
    {"zone", "keys_dir", path, "", "keys managed in `STATE_DIR/dnssec/ZONE`",
     "BIND K* files used as they are (no key rollover); without it danekeeper makes and rolls a KSK "
     "and a ZSK (0600)", 0, 0, "", Only::signed_file},
    {"zone", "algorithm", string, "ecdsap256sha256", "", "of the DNSSEC keys danekeeper makes",
     0, 0, "ecdsap256sha256 ed25519 rsasha256", Only::signed_file},
    {"zone", "nsec3", boolean, "false", "", "NSEC3 with the RFC 9276 parameters instead of NSEC",
     0, 0, "", Only::signed_file},
    {"zone", "signature_validity_days", integer, "14", "", "how long new signatures are valid",
     2, 365, "", Only::signed_file},
    {"zone", "refresh_days", integer, "5", "",
     "signatures with less time left are made again; less than `signature_validity_days`",
     1, 364, "", Only::signed_file},
    {"zone", "jitter_hours", integer, "12", "",
     "expirations spread over this much before the validity ends; less than "
     "`signature_validity_days` - `refresh_days`",
     0, 24 * 364, "", Only::signed_file},
    {"zone", "serial", string, "unixtime", "", "always higher than the served serial",
     0, 0, "unixtime increment", Only::signed_file},
    {"zone", "mta_sts_mode", string, "", "none (no MTA-STS)",
     "MTA-STS (RFC 8461) for the mail domain named like the zone: the policy's mode; danekeeper "
     "writes `mta_sts_policy_file` from the zone's validated MX RRset and keeps "
     "`_mta-sts.ZONE` TXT `v=STSv1; id=...` (TTL `tlsa_ttl`) in step with it",
     0, 0, "none testing enforce"},
    {"zone", "mta_sts_max_age", integer, "604800", "",
     "the policy's max_age: how long senders hold it (RFC 8461 suggests weeks; a switch from `enforce` counts only after it)", 1, 31557600, "", Only::mta_sts},
    {"zone", "mta_sts_policy_file", path, "", "required with `mta_sts_mode`",
     "written atomically (0644): the file your web server serves as "
     "`https://mta-sts.ZONE/.well-known/mta-sts.txt` (Content-Type `text/plain`)", 0, 0, "",
     Only::mta_sts},
    {"zone", "mta_sts_addresses", strings, "", "A/AAAA of `mta-sts.ZONE` through `[dns] resolver`",
     "IP addresses of the policy host that `mta-sts check` fetches the policy from (port 443)",
     0, 0, "", Only::mta_sts},
    {"zone", "mta_sts_ca_bundle", path, "", "the system store",
     "the WebPKI roots `mta-sts check`, the lint and the rollover judge the policy host's and the "
     "MX's certificates by, as MTA-STS senders do", 0, 0, "", Only::mta_sts},
    {"zone", "parent_servers", servers, "", "none",
     "the parent zone's servers, where the zone's DS is read (validated with "
     "`parent_anchor_file`) and checked during a KSK rollover; none: found from the parent's NS "
     "RRset through `[dns] resolver` when `parent_anchor_file` is set, else no KSK rollover"},
    {"zone", "zsk_lifetime_days", integer, "90", "",
     "automatic ZSK rollover period; 0: only on request", 0, 3650, "", Only::managed_keys},
    {"zone", "ksk_lifetime_days", integer, "0", "",
     "automatic KSK rollover period; 0: only on request", 0, 36500, "", Only::managed_keys},
    {"zone", "key_publish_safety_seconds", integer, "3600", "",
     "added to every key introduction wait (RFC 7583)", 0, 86400, "", Only::managed_keys},
    {"zone", "key_retire_safety_seconds", integer, "3600", "",
     "added to every key withdrawal wait (RFC 7583)", 0, 86400, "", Only::managed_keys},
    {"zone", "ds_ttl", integer, "86400", "",
     "the parent's DS TTL until a parent server shows it", 1, 172800, "", Only::managed_keys},

    {"key", "name", string, "", "required",
     "the slot's name: a letter or digit, then up to 62 letters, digits, `.`, `_` or `-`, no `..` (it names files under `state_dir`)"},
    {"key", "algorithm", string, "ecdsa-p256", "",
     "of the slot's key; one slot per key family (rsa, ecdsa, ed25519) and endpoint",
     0, 0, "ecdsa-p256 ecdsa-p384 rsa-2048 rsa-3072 rsa-4096 ed25519"},
    {"key", "endpoints", strings, "", "required",
     "`host:port` list (25/587 use SMTP STARTTLS, 143 IMAP, 110 POP3, others implicit TLS), or "
     "`SCHEME://host:port` whatever the port: `smtp`, `submission`, `imap`, `pop3`, `tls` (also "
     "`smtps`, `submissions`, `imaps`, `pop3s`); a trailing `@IP` or `@IP:PORT` is where the "
     "prober connects instead (NAT, load balancer; names and TLSA owner stay `host:port`)"},
    {"key", "addresses", addresses, "", "A/AAAA lookups",
     "`{ \"host\" = [\"IP\", ...] }` instead of A/AAAA lookups (tests)"},
    {"key", "cert_file", path, "", "required",
     "where the served chain (leaf first) is written, atomically"},
    {"key", "key_file", path, "", "required",
     "where the served key is written, with `key_mode` and `key_group`"},
    {"key", "combined_file", path, "", "none",
     "key + chain in one file (Postfix `smtpd_tls_chain_files`)"},
    {"key", "key_mode", string, "0600", "",
     "of `key_file` and `combined_file`; `0640` lets `key_group` read them (Exim, Dovecot)",
     0, 0, "0600 0640"},
    {"key", "key_group", string, "", "the service user's group",
     "group of `key_file` and `combined_file`, e.g. `Debian-exim`; the service user must be a "
     "member (`usermod -aG GROUP danekeeper`)"},
    {"key", "reload", argv_lists, "", "none",
     "run after a deployment; unprivileged: `/usr/lib/danekeeper/reload-request NAME` (README "
     "\"Privilege model\")"},
    {"key", "certificates", string, "command", "",
     "`command`: run `issue_command`; `hook`: the ACME client you run delivers through "
     "`danekeeper hook deliver`; `acme`: danekeeper's own ACME client (`[acme]`)",
     0, 0, "command hook acme"},
    {"key", "issue_command", strings, "", "required for `command`",
     "argv that turns `{csr}` into a chain at `{chain}` (also `{key}`, `{slot}`); the chain must "
     "be for exactly the requested key and name every endpoint host"},
    {"key", "issuer_ca_file", path, "", "the system store",
     "roots every chain from `issue_command` or `hook deliver` must verify to (`acme` slots: "
     "`[acme] issuer_ca_file`)"},
    {"key", "issuer_certificates", strings, "", "none",
     "CA certificates the slot's certificates may come from (absolute paths, one PEM CA "
     "certificate each, e.g. an ACME CA's current and backup intermediates): each published as "
     "TLSA 2 1 1 beside the 3 1 1 records; a CA left out has its record removed"},
    {"key", "renew_before_days", integer, "30", "",
     "renew (same key) this long before expiry; `acme` slots that do not set it take `[acme] "
     "renew_before_days`", 1, 3650},
    {"key", "rollover_every_days", integer, "365", "", "planned key rollover period", 1, 36500},
    {"key", "margin_seconds", integer, "900", "", "added to 2 x TTLmax before a switch", 0, 86400},
    {"key", "tlsa_owner", string, "", "none",
     "shared TLSA owner in the slot's zone, e.g. `_dane.mx.example.net`: the slot's records go "
     "there and every endpoint's `_port._tcp.host` becomes a CNAME to it (`rfc2136` zones)"},
    {"key", "hosts", strings, "", "none",
     "`[[host]]` names the key and chain also go to, over SSH, after the local files"},

    {"audit", "certified_ca_spki_sha256", strings, "", "none",
     "SPKI SHA-256 (hex) of the CAs certified for EMLREQ_6; none: `certified_ca` fails"},
    {"audit", "rrsig_warn_days", integer, "7", "",
     "lint: warn when an RRSIG over a TLSA RRset expires sooner", 1, 365},
    {"audit", "max_tlsa_records", integer, "12", "",
     "lint: warn above this many records at an owner", 1, 100},

    {"tlsrpt", "rua", strings, "", "none",
     "report URIs (`mailto:` or `https:`) published at `_smtp._tls.ZONE` as `v=TLSRPTv1; rua=...` "
     "in every `[[zone]]` and kept in step (other TXT records there are left alone); none: that "
     "record is not managed"},
    {"tlsrpt", "https_listen", server, "", "none",
     "daemon: receive reports by HTTPS POST (RFC 8460 section 3) on this IP:PORT"},
    {"tlsrpt", "https_cert_file", path, "", "required with `https_listen`",
     "the HTTPS listener's certificate chain (PEM, leaf first): valid for the host of your "
     "`https:` rua"},
    {"tlsrpt", "https_key_file", path, "", "required with `https_listen`",
     "the HTTPS listener's private key (PEM); must be 0600 (or 0400)"},
    {"tlsrpt", "https_path", string, "/tlsrpt", "",
     "the path of your `https:` rua that reports are POSTed to; any other path: 404"},
    {"tlsrpt", "https_max_body_bytes", integer, "4194304", "",
     "a report body larger than this is refused (413)", 1024, 16777216},
    {"tlsrpt", "https_max_connections", integer, "16", "",
     "connections served at once; more are closed unanswered", 1, 1024},
    {"tlsrpt", "maildir", path, "", "none",
     "a Maildir the mailbox of your TLSRPT `rua=mailto:` address delivers to; the daemon reads "
     "new/ each pass, moves each message to cur/ (a refused one to the .Refused folder)"},

    {"metrics", "listen", server, "", "none",
     "daemon: serve Prometheus metrics at `GET /metrics` on this IP:PORT (use loopback or a "
     "management address)"},
    {"metrics", "file", path, "", "none",
     "write the metrics to this textfile-collector file after every run"},

    {"acme", "directory", string, "", "required", "the CA's directory URL (`https://` only)"},
    {"acme", "contact", strings, "", "none", "`[\"mailto:...\"]` for the account"},
    {"acme", "ca_bundle", path, "", "the system store",
     "PEM file trusted for the ACME server's own TLS"},
    {"acme", "issuer_ca_file", path, "", "the system store",
     "roots every issued chain must verify to"},
    {"acme", "challenge", string, "dns-01", "", "how the CA's challenges are answered",
     0, 0, "dns-01 http-01"},
    {"acme", "webroot", path, "", "required for `http-01`",
     "the document root your web server serves on port 80 for every endpoint host"},
    {"acme", "eab_kid", string, "", "none",
     "external account binding (RFC 8555 7.3.4) key id; `eab_kid` and `eab_key_file` go "
     "together"},
    {"acme", "eab_key_file", path, "", "none",
     "the CA's base64url MAC key for `eab_kid`; must be 0600"},
    {"acme", "preferred_chain", string, "", "the CA's default",
     "the common name of the top issuer to prefer among the chains the CA offers "
     "(`Link: rel=\"alternate\"`)"},
    {"acme", "renew_before_days", integer, "30", "",
     "`renew_before_days` for acme slots that do not set their own", 1, 3650},
    {"acme", "dns01_max_cache_wait_seconds", integer, "600", "",
     "the longest dns-01 waits, once every server serves the TXT, for what resolvers may hold from "
     "before (covering NSEC, negative TTL, an earlier TXT)",
     0, 3600},

    {"host", "name", string, "", "required",
     "the MX host's name, as slots' `hosts` name it (letters, digits, `.`, `_`, `-`)"},
    {"host", "ssh_target", string, "", "required",
     "`user@address`: the account danekeeper logs in as and the host's IP or DNS name"},
    {"host", "port", integer, "22", "", "the SSH port", 1, 65535},
    {"host", "identity_file", path, "", "required",
     "danekeeper's private SSH key (`ssh-keygen -t ed25519`); must be 0600"},
    {"host", "known_hosts", path, "", "required",
     "the host's pinned SSH host key (`ssh-keyscan`, checked by hand); no other key is accepted"},
    {"host", "key_file", path, "", "required",
     "where the key is written on the host (`{slot}`: the slot's name), atomically"},
    {"host", "cert_file", path, "", "required",
     "where the chain (leaf first) is written on the host (`{slot}` as above), atomically, 0644"},
    {"host", "key_mode", string, "0600", "", "of the key file on the host",
     0, 0, "0600 0640 0400 0440"},
    {"host", "owner", string, "", "the login user", "owner of both files on the host (`chown`)"},
    {"host", "group", string, "", "the login user's group", "group of both files on the host"},
    {"host", "reload", argv_lists, "", "none",
     "run on the host after the files are in place (`sudo -n postfix reload`); words of letters, "
     "digits and `/._+,:=@-` only"},
    {"host", "connect_timeout", integer, "10", "", "seconds for the SSH connection", 1, 300},
    {"host", "command_timeout", integer, "120", "",
     "seconds for the whole deployment to the host (connection, files, reload)", 5, 3600},

    {"monitoring", "run_interval_seconds", integer, "3600", "",
     "how often a run over every slot is expected: the daemon's longest sleep is an hour; for "
     "one-shot `run` from a timer, the timer's interval", 60, 86400},
    {"monitoring", "stale_warning_factor", integer, "2", "",
     "`status --nagios`: WARNING when the last run over every slot finished longer ago than this "
     "many `run_interval_seconds` (a dead daemon)", 1, 1000},
    {"monitoring", "stale_critical_factor", integer, "6", "",
     "`status --nagios`: CRITICAL beyond this many `run_interval_seconds`; at least "
     "`stale_warning_factor`", 1, 1000},
    {"monitoring", "status_file", path, "", "none",
     "after every run the status is written here too (atomically, mode 0640) for "
     "`status --nagios --from-snapshot`, which another user (NRPE) can run; outside `state_dir`"},
    {"monitoring", "status_file_group", string, "", "danekeeper's own group",
     "the group of `status_file` (e.g. `nagios`); danekeeper's user must be a member"},

    {"log", "retention_days", integer, "0", "",
     "events older than this many days are deleted after each run; 0: kept for ever", 0, 36500},
    {"log", "retention_rows", integer, "0", "",
     "only the newest this many events are kept; 0: no limit", 0, 1000000000},
};
// clang-format on

// The key, or nullptr.
constexpr const Key* find(std::string_view section, std::string_view name) {
    for (const Key& key : keys) {
        if (key.section == section && key.name == name) return &key;
    }
    return nullptr;
}

// A decimal integer, optionally negative; a throw (a compile error where constant-evaluated) on
// anything else.
constexpr long long integer_of(std::string_view text) {
    const bool negative = text.starts_with('-');
    if (negative) text.remove_prefix(1);
    if (text.empty()) throw "not an integer";
    long long value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') throw "not an integer";
        value = value * 10 + (c - '0');
    }
    return negative ? -value : value;
}

// The defaults of config.h's members, read at compile time: a name not in the table, or not of
// that type, does not compile.
consteval long long integer_default(std::string_view section, std::string_view name) {
    const Key* key = find(section, name);
    if (key == nullptr || key->type != Type::integer) throw "no such integer key";
    return integer_of(key->fallback);
}

consteval std::string_view text_default(std::string_view section, std::string_view name) {
    const Key* key = find(section, name);
    if (key == nullptr || (key->type != Type::string && key->type != Type::path) ||
        key->fallback.empty())
        throw "no such string key with a default";
    return key->fallback;
}

consteval bool boolean_default(std::string_view section, std::string_view name) {
    const Key* key = find(section, name);
    if (key == nullptr || key->type != Type::boolean) throw "no such boolean key";
    return key->fallback == "true";
}

// How the type reads in the documentation and in problems: "integer", "IP:port list", ...
std::string_view type_name(Type type);

// The choices of a string key from a fixed set, in the table's order; empty for the others.
std::vector<std::string_view> choices_of(const Key& key);

// The problem with a value that is none of the choices: "must be \"a\" or \"b\"" for a few,
// "must be one of a, b, c, d" for a longer list.
std::string choice_problem(const Key& key);

}  // namespace dk::config::schema
