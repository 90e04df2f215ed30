#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "base/files.h"
#include "config/config.h"

namespace dk::config {
namespace {

// Collects problems with their position; parsing goes on after a problem so all are reported.
class Problems {
  public:
    explicit Problems(std::string source) : source_(std::move(source)) {}
    void add(const toml::source_region& where, std::string_view field, std::string_view problem) {
        add_at(where.begin.line, field, problem);
    }
    void add_at(std::uint32_t line, std::string_view field, std::string_view problem) {
        if (!text_.empty()) text_ += '\n';
        text_ += source_ + ":" + std::to_string(line) + ": " + std::string(field) + ": " +
                 std::string(problem);
    }
    [[nodiscard]] bool any() const { return !text_.empty(); }
    [[nodiscard]] const std::string& text() const { return text_; }

  private:
    std::string source_;
    std::string text_;
};

// Typed access to one table, reporting wrong types, missing required keys and unknown keys.
class Table {
  public:
    Table(const toml::table& table, std::string prefix, Problems& problems)
        : table_(table), prefix_(std::move(prefix)), problems_(problems) {}

    std::optional<std::string> string(std::string_view key, bool required) {
        const toml::node* node = get(key, required);
        if (node == nullptr) return std::nullopt;
        if (auto v = node->value<std::string>()) return *v;
        problems_.add(node->source(), field(key), "must be a string");
        return std::nullopt;
    }

    std::optional<long long> integer(std::string_view key, long long min, long long max) {
        const toml::node* node = get(key, false);
        if (node == nullptr) return std::nullopt;
        auto v = node->value<long long>();
        if (!v || !node->is_integer()) {
            problems_.add(node->source(), field(key), "must be an integer");
            return std::nullopt;
        }
        if (*v < min || *v > max) {
            problems_.add(node->source(), field(key),
                          "must be between " + std::to_string(min) + " and " + std::to_string(max));
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::vector<std::string>> strings(std::string_view key, bool required) {
        const toml::node* node = get(key, required);
        if (node == nullptr) return std::nullopt;
        const toml::array* array = node->as_array();
        std::vector<std::string> out;
        if (array != nullptr) {
            for (const auto& item : *array) {
                if (auto s = item.value<std::string>()) {
                    out.push_back(*s);
                } else {
                    array = nullptr;
                    break;
                }
            }
        }
        if (array == nullptr) {
            problems_.add(node->source(), field(key), "must be an array of strings");
            return std::nullopt;
        }
        return out;
    }

    const toml::node* node(std::string_view key) { return get(key, false); }

    void report_unknown(std::initializer_list<std::string_view> known) {
        for (const auto& [key, value] : table_) {
            if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
                problems_.add(value.source(), field(key.str()), "unknown key (misspelt?)");
            }
        }
    }

    [[nodiscard]] std::string field(std::string_view key) const {
        return prefix_ + std::string(key);
    }
    [[nodiscard]] const toml::table& raw() const { return table_; }

  private:
    const toml::node* get(std::string_view key, bool required) {
        const toml::node* node = table_.get(key);
        if (node == nullptr && required) problems_.add(table_.source(), field(key), "is required");
        return node;
    }

    const toml::table& table_;
    std::string prefix_;
    Problems& problems_;
};

std::string absolute_name(std::string name) {
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (name.empty() || name.back() != '.') name += '.';
    return name;
}

bool name_in_zone(const std::string& host, const std::string& zone) {
    const std::string name = absolute_name(host);
    return name == zone || (name.size() > zone.size() && name.ends_with("." + zone));
}

std::optional<HostPort> host_port(Table& t, std::string_view key, bool required, Problems& p) {
    auto text = t.string(key, required);
    if (!text) return std::nullopt;
    auto hp = parse_host_port(*text, 53);
    if (!hp.ok()) {
        p.add(t.raw().get(key)->source(), t.field(key), hp.error().message);
        return std::nullopt;
    }
    return *hp;
}

std::vector<std::vector<std::string>> argv_lists(Table& t, std::string_view key, Problems& p) {
    std::vector<std::vector<std::string>> out;
    const toml::node* node = t.node(key);
    if (node == nullptr) return out;
    const toml::array* lists = node->as_array();
    bool ok = lists != nullptr;
    if (ok) {
        for (const auto& item : *lists) {
            const toml::array* argv = item.as_array();
            std::vector<std::string> args;
            if (argv == nullptr || argv->empty()) {
                ok = false;
                break;
            }
            for (const auto& a : *argv) {
                if (auto s = a.value<std::string>()) args.push_back(*s);
            }
            if (args.size() != argv->size() || args[0].empty() || args[0][0] != '/') {
                ok = false;
                break;
            }
            out.push_back(std::move(args));
        }
    }
    if (!ok)
        p.add(node->source(), t.field(key),
              "must be a list of argv lists, each starting with an absolute program path");
    return out;
}

void parse_dns(const toml::table& root, Config& c, Problems& p) {
    const toml::node* node = root.get("dns");
    if (node == nullptr) return;
    const toml::table* table = node->as_table();
    if (table == nullptr) return p.add(node->source(), "dns", "must be a table");
    Table t(*table, "dns.", p);
    c.resolver = host_port(t, "resolver", false, p);
    c.trust_anchor_file = t.string("trust_anchor_file", false);
    t.report_unknown({"resolver", "trust_anchor_file"});
}

ZoneConfig parse_zone(Table& t, Problems& p) {
    ZoneConfig z;
    if (auto name = t.string("name", true)) z.name = absolute_name(*name);
    z.publisher = t.string("publisher", false).value_or("rfc2136");
    if (z.publisher != "rfc2136")
        p.add(t.raw().get("publisher")->source(), t.field("publisher"), "must be \"rfc2136\"");
    if (auto primary = host_port(t, "primary", true, p)) z.primary = *primary;
    z.tsig_key_file = t.string("tsig_key_file", true).value_or("");
    z.tsig_key_name = t.string("tsig_key_name", false);
    if (auto list = t.strings("authoritative", false)) {
        for (const auto& s : *list) {
            auto hp = parse_host_port(s, 53);
            if (hp.ok())
                z.authoritative.push_back(*hp);
            else
                p.add(t.raw().get("authoritative")->source(), t.field("authoritative"),
                      hp.error().message);
        }
    }
    z.tlsa_ttl = static_cast<std::uint32_t>(t.integer("tlsa_ttl", 1, 86400).value_or(3600));
    t.report_unknown({"name", "publisher", "primary", "tsig_key_file", "tsig_key_name",
                      "authoritative", "tlsa_ttl"});
    return z;
}

SlotConfig parse_slot(Table& t, Problems& p) {
    SlotConfig s;
    s.name = t.string("name", true).value_or("");
    s.algorithm = t.string("algorithm", false).value_or("ecdsa-p256");
    static const std::set<std::string> algorithms{"ecdsa-p256", "ecdsa-p384", "rsa-2048",
                                                  "rsa-3072",   "rsa-4096",   "ed25519"};
    if (!algorithms.contains(s.algorithm)) {
        p.add(t.raw().get("algorithm")->source(), t.field("algorithm"),
              "must be one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519");
    }
    for (const auto& text : t.strings("endpoints", true).value_or(std::vector<std::string>{})) {
        auto ep = parse_endpoint(text);
        if (ep.ok())
            s.endpoints.push_back(*ep);
        else
            p.add(t.raw().get("endpoints")->source(), t.field("endpoints"), ep.error().message);
    }
    if (const toml::node* node = t.node("addresses")) {
        const toml::table* table = node->as_table();
        if (table == nullptr)
            p.add(node->source(), t.field("addresses"), "must be a table of host = [addresses]");
        for (const auto& [host, list] : table != nullptr ? *table : toml::table{}) {
            Table inner(*table, t.field("addresses."), p);
            if (auto ips = inner.strings(host.str(), true))
                s.addresses[absolute_name(std::string(host.str()))] = *ips;
            (void)list;
        }
    }
    s.cert_file = t.string("cert_file", true).value_or("");
    s.key_file = t.string("key_file", true).value_or("");
    s.combined_file = t.string("combined_file", false);
    s.reload = argv_lists(t, "reload", p);
    s.certificates = t.string("certificates", false).value_or("command");
    if (s.certificates != "command") {
        p.add(t.raw().get("certificates")->source(), t.field("certificates"),
              "must be \"command\"");
    }
    if (auto cmd = t.strings("issue_command", s.certificates == "command")) {
        s.issue_command = *cmd;
        const auto* node = t.node("issue_command");
        if (s.issue_command.empty() || s.issue_command[0].empty() || s.issue_command[0][0] != '/') {
            p.add(node->source(), t.field("issue_command"),
                  "must start with an absolute program path");
        }
        for (const auto& arg : s.issue_command) {
            for (std::size_t open = arg.find('{'); open != std::string::npos;
                 open = arg.find('{', open + 1)) {
                const auto close = arg.find('}', open);
                const std::string placeholder =
                    arg.substr(open, close == std::string::npos ? 1 : close - open + 1);
                if (placeholder != "{csr}" && placeholder != "{chain}" && placeholder != "{key}" &&
                    placeholder != "{slot}") {
                    p.add(
                        node->source(), t.field("issue_command"),
                        "unknown placeholder " + placeholder + " (use {csr} {chain} {key} {slot})");
                }
            }
        }
    }
    s.renew_before_days = static_cast<int>(t.integer("renew_before_days", 1, 3650).value_or(30));
    s.rollover_every_days =
        static_cast<int>(t.integer("rollover_every_days", 1, 36500).value_or(365));
    s.margin_seconds = static_cast<int>(t.integer("margin_seconds", 0, 86400).value_or(900));
    t.report_unknown({"name", "algorithm", "endpoints", "addresses", "cert_file", "key_file",
                      "combined_file", "reload", "certificates", "issue_command",
                      "renew_before_days", "rollover_every_days", "margin_seconds"});
    return s;
}

template <typename Item, typename Parse>
std::vector<std::pair<Item, std::uint32_t>> parse_array_of_tables(const toml::table& root,
                                                                  std::string_view key, Problems& p,
                                                                  Parse parse) {
    std::vector<std::pair<Item, std::uint32_t>> out;
    const toml::node* node = root.get(key);
    if (node == nullptr) return out;
    const toml::array* array = node->as_array();
    if (array == nullptr) {
        p.add(node->source(), key, "must be written as [[" + std::string(key) + "]] tables");
        return out;
    }
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::table* table = array->get(i)->as_table();
        if (table == nullptr) continue;
        Table t(*table, std::string(key) + "[" + std::to_string(i) + "].", p);
        out.emplace_back(parse(t, p), table->source().begin.line);
    }
    return out;
}

void cross_check(Config& c, const std::vector<std::uint32_t>& slot_lines, Problems& p) {
    std::set<std::string> names;
    std::set<std::string> endpoints;
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        SlotConfig& s = c.slots[i];
        const std::string field = "key[" + std::to_string(i) + "]";
        if (!names.insert(s.name).second)
            p.add_at(slot_lines[i], field + ".name", "duplicate slot name '" + s.name + "'");
        if (s.endpoints.empty())
            p.add_at(slot_lines[i], field + ".endpoints", "needs at least one endpoint");
        for (const auto& ep : s.endpoints) {
            if (!endpoints.insert(s.algorithm + "/" + ep.to_string()).second) {
                p.add_at(slot_lines[i], field + ".endpoints",
                         ep.to_string() + " is in two slots with the same algorithm");
            }
            const ZoneConfig* zone = nullptr;
            for (const auto& z : c.zones) {
                if (name_in_zone(ep.host, z.name) &&
                    (zone == nullptr || z.name.size() > zone->name.size()))
                    zone = &z;
            }
            if (zone == nullptr) {
                p.add_at(slot_lines[i], field + ".endpoints",
                         ep.host + " is in no configured [[zone]]");
            } else if (s.zone.empty()) {
                s.zone = zone->name;
            } else if (s.zone != zone->name) {
                p.add_at(slot_lines[i], field + ".endpoints",
                         "endpoints span two zones (" + s.zone + ", " + zone->name + ")");
            }
        }
    }
}

}  // namespace

Result<Config> parse_config(std::string_view text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(text, source);
    } catch (const toml::parse_error& e) {
        return Error::bad_input(source + ":" + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description()));
    }
    Config c;
    c.source = source;
    Problems p(source);
    Table top(root, "", p);
    c.state_dir = top.string("state_dir", false).value_or(c.state_dir);
    parse_dns(root, c, p);
    for (auto& [zone, line] : parse_array_of_tables<ZoneConfig>(root, "zone", p, parse_zone))
        c.zones.push_back(zone);
    std::vector<std::uint32_t> slot_lines;
    for (auto& [slot, line] : parse_array_of_tables<SlotConfig>(root, "key", p, parse_slot)) {
        c.slots.push_back(slot);
        slot_lines.push_back(line);
    }
    top.report_unknown({"state_dir", "dns", "zone", "key"});
    if (c.zones.empty()) p.add_at(1, "zone", "at least one [[zone]] is required");
    cross_check(c, slot_lines, p);
    if (p.any()) return Error::bad_input(p.text());
    return c;
}

Result<Config> load_config(const std::string& path) {
    DK_TRY(std::string text, files::read_limited(path));
    return parse_config(text, path);
}

const SlotConfig* Config::slot(std::string_view name) const {
    for (const auto& s : slots) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

const ZoneConfig* Config::zone(std::string_view name) const {
    for (const auto& z : zones) {
        if (z.name == name) return &z;
    }
    return nullptr;
}

Status check_files(const Config& c) {
    std::string problems;
    auto note = [&](const std::string& what) {
        problems += (problems.empty() ? "" : "\n") + c.source + ": " + what;
    };
    for (const auto& z : c.zones) {
        if (auto s = files::check_secret_permissions(z.tsig_key_file); !s.ok())
            note("zone " + z.name + ": tsig_key_file: " + s.error().message);
    }
    if (c.trust_anchor_file && !files::read_limited(*c.trust_anchor_file).ok()) {
        note("dns.trust_anchor_file: cannot read " + *c.trust_anchor_file);
    }
    for (const auto& s : c.slots) {
        for (const auto& argv : s.reload) {
            if (::access(argv[0].c_str(), X_OK) != 0)
                note("key " + s.name + ": reload: " + argv[0] + " is not executable");
        }
        if (!s.issue_command.empty() && ::access(s.issue_command[0].c_str(), X_OK) != 0) {
            note("key " + s.name + ": issue_command: " + s.issue_command[0] + " is not executable");
        }
    }
    if (!problems.empty()) return Error::bad_input(problems);
    return {};
}

}  // namespace dk::config
