// [acme]: the CA's directory, how challenges are answered, account binding, chain choice.
#include "config/parse_parts.h"

namespace dk::config {

std::optional<AcmeConfig> parse_acme(Table& top, Problems& p) {
    const toml::node* node = top.node("acme");
    if (node == nullptr) return std::nullopt;
    const toml::table* table = node->as_table();
    if (table == nullptr) {
        p.add(node->source(), "acme", "must be a table");
        return std::nullopt;
    }
    Table t(*table, "acme.", p, "acme");
    AcmeConfig a;
    a.directory = t.string("directory", true).value_or("");
    if (!a.directory.empty() && !a.directory.starts_with("https://"))
        t.problem("directory", "must be an https:// URL");
    a.contact = t.strings("contact", false).value_or(std::vector<std::string>{});
    for (const auto& contact : a.contact) {
        if (!contact.starts_with("mailto:") || contact.size() < 10)
            t.problem("contact", "'" + contact + "' is not a mailto: URL");
    }
    a.ca_bundle = t.path("ca_bundle", false);
    a.issuer_ca_file = t.path("issuer_ca_file", false);
    a.challenge = t.choice("challenge");
    a.webroot = t.path("webroot", a.challenge == "http-01");
    if (a.webroot && a.challenge != "http-01")
        t.problem("webroot", "is only used with challenge = \"http-01\"");
    a.eab_kid = t.string("eab_kid", false);
    a.eab_key_file = t.path("eab_key_file", false);
    if (a.eab_kid.has_value() != a.eab_key_file.has_value())
        t.problem(a.eab_kid ? "eab_kid" : "eab_key_file", "eab_kid and eab_key_file go together");
    a.preferred_chain = t.string("preferred_chain", false);
    a.renew_before_days = static_cast<int>(t.integer("renew_before_days"));
    a.dns01_max_cache_wait_seconds = static_cast<int>(t.integer("dns01_max_cache_wait_seconds"));
    t.report_unknown();
    return a;
}

void check_acme_slots(Config& c, const std::vector<std::uint32_t>& slot_lines, Problems& p) {
    for (std::size_t i = 0; i < c.slots.size() && i < slot_lines.size(); ++i) {
        SlotConfig& s = c.slots[i];
        if (s.certificates != "acme") continue;
        const std::string field = "key[" + std::to_string(i) + "].certificates";
        if (!c.acme)
            p.add_at(slot_lines[i], field, "\"acme\" needs an [acme] section");
        else if (!s.renew_before_days_set)
            s.renew_before_days = c.acme->renew_before_days;
    }
}

}  // namespace dk::config
