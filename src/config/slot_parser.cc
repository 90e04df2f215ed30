// One [[key]] table: a key slot, its endpoints, where it is served and how it is issued.

#include <algorithm>
#include <set>
#include <string_view>

#include "config/parse_parts.h"

namespace dk::config {
namespace {

// The name becomes a directory under state_dir (keys/NAME, certs/NAME) and a file name
// (requests/NAME, deliveries/NAME.pem): it can neither leave that directory nor hide in it.
bool valid_slot_name(std::string_view name) {
    const auto plain = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    };
    const auto allowed = [&](char ch) { return plain(ch) || ch == '.' || ch == '_' || ch == '-'; };
    return !name.empty() && name.size() <= 63 && plain(name[0]) &&
           std::all_of(name.begin(), name.end(), allowed) &&
           name.find("..") == std::string_view::npos;
}

// A POSIX portable group name as useradd/groupadd take it (Debian-exim, ssl-cert, dovecot).
bool valid_group_name(std::string_view name) {
    const auto allowed = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '.' || ch == '_' || ch == '-';
    };
    return !name.empty() && name.size() <= 32 && name[0] != '-' &&
           std::all_of(name.begin(), name.end(), allowed);
}

void check_placeholders(Table& t, const std::vector<std::string>& argv) {
    static const std::set<std::string> known{"{csr}", "{chain}", "{key}", "{slot}"};
    for (const auto& arg : argv) {
        for (auto open = arg.find('{'); open != std::string::npos; open = arg.find('{', open + 1)) {
            const auto close = arg.find('}', open);
            const std::string placeholder =
                arg.substr(open, close == std::string::npos ? 1 : close - open + 1);
            if (!known.contains(placeholder)) {
                t.problem("issue_command", "unknown placeholder " + placeholder +
                                               " (use {csr} {chain} {key} {slot})");
            }
        }
    }
}

// The files are read and checked (CA certificates) where they are used (service/keys).
void parse_issuer_certificates(Table& t, SlotConfig& s) {
    auto paths = t.strings("issuer_certificates", false);
    for (const auto& path : paths.value_or(std::vector<std::string>{})) {
        if (path.empty() || path.front() != '/')
            t.problem("issuer_certificates", "'" + path + "' must be an absolute path");
        else if (std::find(s.issuer_certificates.begin(), s.issuer_certificates.end(), path) !=
                 s.issuer_certificates.end())
            t.problem("issuer_certificates", "'" + path + "' is listed twice");
        else
            s.issuer_certificates.push_back(path);
    }
}

void parse_issuing(Table& t, SlotConfig& s) {
    // command: our CSR to the operator's program; hook: an ACME client the operator runs hands
    // its result to `danekeeper hook deliver`; acme: our own client ([acme]).
    s.certificates = t.choice("certificates");
    s.issuer_ca_file = t.path("issuer_ca_file", false);
    parse_issuer_certificates(t, s);
    auto cmd = t.strings("issue_command", s.certificates == "command");
    if (!cmd) return;
    s.issue_command = *cmd;
    if (s.issue_command.empty() || !s.issue_command[0].starts_with('/'))
        t.problem("issue_command", "must start with an absolute program path");
    check_placeholders(t, s.issue_command);
}

void parse_endpoints(Table& t, SlotConfig& s) {
    auto texts = t.strings("endpoints", true);
    if (texts && texts->empty()) t.problem("endpoints", "needs at least one endpoint");
    for (const auto& text : texts.value_or(std::vector<std::string>{})) {
        auto ep = parse_endpoint(text);
        if (!ep.ok())
            t.problem("endpoints", ep.error().message);
        else if (!is_domain_name(absolute_name(ep->host)) || is_ip_address(ep->host))
            t.problem(
                "endpoints",
                "'" + text + "': the host must be a DNS name (its TLSA owner is _PORT._tcp.HOST)");
        else
            s.endpoints.push_back(*ep);
    }
    const toml::node* node = t.node("addresses");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return t.problem("addresses", "must be a table of host = [addresses]");
    Table inner = t.nested(*table, "addresses");
    for (const auto& [host, list] : *table) {
        auto ips = inner.strings(host.str(), true);
        for (const auto& ip : ips.value_or(std::vector<std::string>{})) {
            if (!is_ip_address(ip)) inner.problem(host.str(), "'" + ip + "' is not an IP address");
        }
        if (ips) s.addresses[absolute_name(std::string(host.str()))] = *ips;
    }
}

}  // namespace

SlotConfig parse_slot(Table& t) {
    SlotConfig s;
    if (auto name = t.string("name", true)) {
        s.name = *name;
        if (!valid_slot_name(s.name))
            t.problem("name", "'" + s.name +
                                  "' is not a slot name (a letter or digit, then up to 62 letters, "
                                  "digits, '.', '_' or '-'; no '..')");
    }
    s.algorithm = t.choice("algorithm");
    parse_endpoints(t, s);
    s.cert_file = t.path("cert_file", true).value_or("");
    s.key_file = t.path("key_file", true).value_or("");
    s.combined_file = t.path("combined_file", false);
    if (!s.key_file.empty() && (s.key_file == s.cert_file || s.key_file == s.combined_file))
        t.problem("key_file", "must differ from cert_file and combined_file");
    s.key_mode = t.choice("key_mode");
    s.key_group = t.string("key_group", false);
    if (s.key_group && !valid_group_name(*s.key_group))
        t.problem("key_group", "'" + *s.key_group + "' is not a group name");
    s.reload = argv_lists(t, "reload");
    parse_issuing(t, s);
    s.renew_before_days_set = t.node("renew_before_days") != nullptr;
    s.renew_before_days = static_cast<int>(t.integer("renew_before_days"));
    s.rollover_every_days = static_cast<int>(t.integer("rollover_every_days"));
    s.margin_seconds = static_cast<int>(t.integer("margin_seconds"));
    s.hosts = t.strings("hosts", false).value_or(std::vector<std::string>{});
    if (auto owner = t.string("tlsa_owner", false)) {
        if (is_domain_name(absolute_name(*owner)))
            s.tlsa_owner = absolute_name(*owner);
        else
            t.problem("tlsa_owner", "'" + *owner + "' is not a domain name");
    }
    t.report_unknown();
    return s;
}

}  // namespace dk::config
