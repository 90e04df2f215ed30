// The [audit] table (the certified CAs for EMLREQ_6, the lint thresholds) and the [metrics]
// table (where Prometheus metrics go).

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "config/parse_parts.h"

namespace dk::config {

void parse_audit(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("audit");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "audit", "must be a table");
    Table t(*table, "audit.", p, "audit");
    for (auto text :
         t.strings("certified_ca_spki_sha256", false).value_or(std::vector<std::string>{})) {
        const std::string hex = lower(std::move(text));
        const bool is_hex =
            std::all_of(hex.begin(), hex.end(), [](unsigned char ch) { return std::isxdigit(ch); });
        if (hex.size() != 64 || !is_hex) {
            t.problem("certified_ca_spki_sha256",
                      "'" + hex.substr(0, 70) + "' is not a SHA-256 in hex (64 digits)");
            continue;
        }
        c.audit.certified_ca_spki_sha256.push_back(hex);
    }
    c.audit.rrsig_warn_days = static_cast<int>(t.integer("rrsig_warn_days"));
    c.audit.max_tlsa_records = static_cast<int>(t.integer("max_tlsa_records"));
    t.report_unknown();
}

void parse_metrics(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("metrics");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "metrics", "must be a table");
    Table t(*table, "metrics.", p, "metrics");
    if (auto text = t.string("listen", false)) {
        auto hp = parse_host_port(*text, 0);
        if (!hp.ok()) {
            t.problem("listen", hp.error().message);
        } else if (hp->port == 0) {
            t.problem("listen", "needs a port (IP:PORT)");
        } else if (!is_ip_address(hp->host)) {
            t.problem("listen", "'" + hp->host + "' is not an IP address");
        } else {
            c.metrics.listen = *hp;
        }
    }
    c.metrics.file = t.path("file", false);
    t.report_unknown();
}

std::optional<std::string> metrics_listen_warning(const Config& c) {
    if (!c.metrics.listen) return std::nullopt;
    in_addr v4{};
    in6_addr v6{};
    const std::string& host = c.metrics.listen->host;
    const bool wildcard =
        (::inet_pton(AF_INET, host.c_str(), &v4) == 1 && v4.s_addr == htonl(INADDR_ANY)) ||
        (::inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_UNSPECIFIED(&v6));
    if (!wildcard) return std::nullopt;
    return "'" + c.metrics.listen->to_string() +
           "' serves the metrics on every address; listen on loopback or a management address";
}

}  // namespace dk::config
