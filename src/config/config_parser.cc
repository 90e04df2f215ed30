// parse_config: the top level, [dns] and [[zone]]; [[key]] is in slot_parser.cc.
#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "config/parse_parts.h"

namespace dk::config {

std::string absolute_name(std::string name) {
    return lower(dk::absolute_name(std::move(name)));
}

std::optional<HostPort> host_port(Table& t, std::string_view key, bool required) {
    auto text = t.string(key, required);
    if (!text) return std::nullopt;
    auto hp = parse_host_port(*text, 53);
    if (!hp.ok()) {
        t.problem(key, hp.error().message);
        return std::nullopt;
    }
    if (!is_ip_address(hp->host)) {
        t.problem(key, "'" + hp->host + "' is not an IP address");
        return std::nullopt;
    }
    return *hp;
}

std::optional<std::vector<HostPort>> host_ports(Table& t, std::string_view key) {
    const bool given = t.node(key) != nullptr;
    const auto texts = t.strings(key, false);
    if (given && !texts) return std::nullopt;  // reported: not an array of strings
    std::vector<HostPort> servers;
    bool ok = true;
    for (const auto& s : texts.value_or(std::vector<std::string>{})) {
        auto hp = parse_host_port(s, 53);
        if (!hp.ok()) {
            t.problem(key, hp.error().message);
            ok = false;
        } else if (!is_ip_address(hp->host)) {
            t.problem(key, "'" + hp->host + "' is not an IP address");
            ok = false;
        } else {
            servers.push_back(*hp);
        }
    }
    if (!ok) return std::nullopt;
    return servers;
}

// [[key]] reload and [[zone]] reload: [["/usr/sbin/knotc", "zone-reload", "example.net"], ...]
std::vector<std::vector<std::string>> argv_lists(Table& t, std::string_view key) {
    std::vector<std::vector<std::string>> out;
    const toml::node* node = t.node(key);
    if (node == nullptr) return out;
    const toml::array* lists = node->as_array();
    bool ok = lists != nullptr;
    for (std::size_t i = 0; ok && i < lists->size(); ++i) {
        const toml::array* argv = lists->get(i)->as_array();
        std::vector<std::string> args;
        for (std::size_t j = 0; argv != nullptr && j < argv->size(); ++j) {
            if (auto s = argv->get(j)->value<std::string>()) args.push_back(*s);
        }
        ok = argv != nullptr && !args.empty() && args.size() == argv->size() &&
             args[0].starts_with('/');
        if (ok) out.push_back(std::move(args));
    }
    if (!ok) {
        t.problem(key, "must be a list of argv lists, each starting with an absolute program path");
        out.clear();
    }
    return out;
}

namespace {

void parse_dns(Table& top, Config& c, Problems& p) {
    const toml::node* node = top.node("dns");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "dns", "must be a table");
    Table t(*table, "dns.", p, "dns");
    c.resolver = host_port(t, "resolver", false);
    c.trust_anchor_file = t.path("trust_anchor_file", false);
    c.parent_anchor_file = t.path("parent_anchor_file", false);
    t.report_unknown();
}

ZoneConfig parse_zone(Table& t) {
    ZoneConfig z;
    if (auto name = t.string("name", true)) {
        z.name = absolute_name(*name);
        if (!is_domain_name(z.name)) t.problem("name", "'" + *name + "' is not a domain name");
    }
    z.publisher = t.choice("publisher");
    const bool rfc2136 = z.publisher == "rfc2136";
    if (auto primary = host_port(t, "primary", rfc2136)) z.primary = *primary;
    z.tsig_key_file = t.path("tsig_key_file", rfc2136).value_or("");
    z.tsig_key_name = t.string("tsig_key_name", false);
    if (z.publisher == "signed-file")
        z.signed_file = parse_signed_file(t);
    else if (z.publisher == "rfc2136")  // (an unknown publisher is reported already)
        refuse_signed_file_keys(t);
    const auto authoritative = host_ports(t, "authoritative");
    z.authoritative = authoritative.value_or(std::vector<HostPort>{});
    z.tlsa_ttl = static_cast<std::uint32_t>(t.integer("tlsa_ttl"));
    z.parent_servers = host_ports(t, "parent_servers").value_or(std::vector<HostPort>{});
    z.tlsrpt_rua_set = t.node("tlsrpt_rua") != nullptr;
    z.tlsrpt_rua = parse_rua(t, "tlsrpt_rua");
    z.mta_sts = parse_mta_sts(t);
    if (z.signed_file && !t.node("primary")) {
        if (authoritative && z.authoritative.empty())  // (a bad list is reported already)
            t.problem("authoritative", "signed-file needs the servers that serve signed_file");
        else if (!z.authoritative.empty())
            z.primary = z.authoritative.front();
    }
    t.report_unknown();
    return z;
}

// [[name]] tables (schema section name): each parsed with parse, paired with the line its table
// starts on.
template <typename Item, typename Parse>
std::vector<std::pair<Item, std::uint32_t>> parse_tables(Table& top, std::string_view key,
                                                         Problems& p, Parse parse) {
    std::vector<std::pair<Item, std::uint32_t>> out;
    const toml::node* node = top.node(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    for (std::size_t i = 0; array != nullptr && i < array->size(); ++i) {
        const std::string prefix = std::string(key) + "[" + std::to_string(i) + "]";
        const toml::table* table = array->get(i)->as_table();
        if (table == nullptr) {
            p.add(array->get(i)->source(), prefix, "must be a table");
            continue;
        }
        Table t(*table, prefix + ".", p, key);
        out.emplace_back(parse(t), t.line());
    }
    if (array == nullptr)
        p.add(node->source(), key, "must be written as [[" + std::string(key) + "]] tables");
    return out;
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return Error::bad_input(printable(source) + ":" + std::to_string(e.source().begin.line) +
                                ": " + printable(e.description()));
    }
    Config c;
    c.source = source;
    Problems p(source);
    Table top(root, "", p, "");
    c.state_dir = top.path("state_dir", false).value_or(c.state_dir);
    parse_dns(top, c, p);
    parse_audit(top, c, p);
    parse_metrics(top, c, p);
    parse_monitoring(top, c, p);
    parse_log(top, c, p);
    parse_tlsrpt(top, c, p);
    std::vector<std::uint32_t> zone_lines;
    for (auto& [zone, line] : parse_tables<ZoneConfig>(top, "zone", p, parse_zone)) {
        if (!zone.tlsrpt_rua_set) zone.tlsrpt_rua = c.tlsrpt.rua;
        if (zone.mta_sts && !c.resolver)  // the policy's patterns are the MX RRset senders see
            p.add_at(line, "zone[" + std::to_string(c.zones.size()) + "].mta_sts_mode",
                     "needs [dns] resolver (the validated MX RRset)");
        c.zones.push_back(std::move(zone));
        zone_lines.push_back(line);
    }
    std::vector<std::uint32_t> slot_lines;
    for (auto& [slot, line] : parse_tables<SlotConfig>(top, "key", p, parse_slot)) {
        c.slots.push_back(std::move(slot));
        slot_lines.push_back(line);
    }
    std::vector<std::uint32_t> host_lines;
    for (auto& [host, line] : parse_tables<RemoteHostConfig>(top, "host", p, parse_host)) {
        c.hosts.push_back(std::move(host));
        host_lines.push_back(line);
    }
    c.acme = parse_acme(top, p);
    check_acme_slots(c, slot_lines, p);
    top.report_unknown();
    const toml::array* zones = root.get_as<toml::array>("zone");
    if (top.node("zone") == nullptr || (zones != nullptr && zones->empty()))
        p.add_at(1, "zone", "at least one [[zone]] is required");
    cross_check(c, zone_lines, slot_lines, p);
    resolve_slot_hosts(c, slot_lines, host_lines, p);
    if (p.any()) return Error::bad_input(p.text());
    return c;
}

}  // namespace dk::config
