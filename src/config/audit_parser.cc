// The [audit] table: the certified CAs (EMLREQ_6) and the lint thresholds.
#include <algorithm>
#include <cctype>

#include "config/parse_parts.h"

namespace dk::config {

void parse_audit(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("audit");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "audit", "must be a table");
    Table t(*table, "audit.", p);
    for (auto hex :
         t.strings("certified_ca_spki_sha256", false).value_or(std::vector<std::string>{})) {
        std::transform(hex.begin(), hex.end(), hex.begin(),
                       [](unsigned char ch) { return std::tolower(ch); });
        const bool is_hex =
            std::all_of(hex.begin(), hex.end(), [](unsigned char ch) { return std::isxdigit(ch); });
        if (hex.size() != 64 || !is_hex) {
            t.problem("certified_ca_spki_sha256",
                      "'" + hex.substr(0, 70) + "' is not a SHA-256 in hex (64 digits)");
            continue;
        }
        c.audit.certified_ca_spki_sha256.push_back(hex);
    }
    c.audit.rrsig_warn_days = static_cast<int>(t.integer("rrsig_warn_days", 1, 365).value_or(7));
    c.audit.max_tlsa_records = static_cast<int>(t.integer("max_tlsa_records", 1, 100).value_or(12));
    t.report_unknown({"certified_ca_spki_sha256", "rrsig_warn_days", "max_tlsa_records"});
}

}  // namespace dk::config
