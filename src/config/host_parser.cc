// [[host]] tables: MX hosts on other machines, and the slots that name them.
#include <algorithm>
#include <set>
#include <string_view>

#include "config/parse_parts.h"

namespace dk::config {

bool remote_word(std::string_view word) {
    const auto allowed = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               std::string_view("/._+,:=@-").find(ch) != std::string_view::npos;
    };
    return !word.empty() && word.size() <= 4096 && std::all_of(word.begin(), word.end(), allowed);
}

bool remote_path(std::string_view path) {
    if (!remote_word(path) || !path.starts_with('/') || path.ends_with('/')) return false;
    for (std::size_t start = 1; start <= path.size();) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view part = path.substr(start, end - start);
        if (part.empty() || part == "." || part == "..") return false;
        start = end + 1;
    }
    return true;
}

bool account_name(std::string_view name) {
    const auto allowed = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
               ch == '_' || ch == '-' || ch == '.';
    };
    return !name.empty() && name.size() <= 32 && name.front() != '-' && name.front() != '.' &&
           std::all_of(name.begin(), name.end(), allowed);
}

namespace {

// The {slot} placeholder is the only one; a slot name (slot_parser.cc) is itself a remote word.
std::string with_slot(std::string path, const std::string& slot) {
    for (auto at = path.find("{slot}"); at != std::string::npos; at = path.find("{slot}", at))
        path.replace(at, 6, slot);
    return path;
}

std::string remote_file(Table& t, std::string_view key) {
    auto path = t.path(key, true);
    if (!path) return "";
    if (!remote_path(with_slot(*path, "slot")))
        t.problem(key, "'" + *path +
                           "' must be an absolute path of letters, digits and /._+,:=@- (and "
                           "{slot}), without . or .. components");
    return *path;
}

void parse_ssh_target(Table& t, RemoteHostConfig& h) {
    auto target = t.string("ssh_target", true);
    if (!target) return;
    const auto at = target->find('@');
    if (at == std::string::npos) return t.problem("ssh_target", "must be user@address");
    h.ssh_user = target->substr(0, at);
    h.ssh_address = target->substr(at + 1);
    if (!account_name(h.ssh_user))
        t.problem("ssh_target", "'" + h.ssh_user + "' is not a user name");
    const bool address = is_ip_address(h.ssh_address) ||
                         (is_domain_name(absolute_name(h.ssh_address)) &&
                          !h.ssh_address.ends_with('.') && remote_word(h.ssh_address));
    if (!address)
        t.problem("ssh_target", "'" + h.ssh_address + "' is neither an IP address nor a host name");
}

}  // namespace

RemoteHostConfig parse_host(Table& t) {
    RemoteHostConfig h;
    if (auto name = t.string("name", true)) {
        h.name = *name;
        if (!account_name(h.name) || h.name.size() > 63)
            t.problem("name", "'" + h.name + "' must be letters, digits, '.', '_' or '-'");
    }
    parse_ssh_target(t, h);
    h.port = static_cast<int>(t.integer("port"));
    h.identity_file = t.path("identity_file", true).value_or("");
    h.known_hosts = t.path("known_hosts", true).value_or("");
    // ssh expands % and ~ in its own file names: these must be taken literally.
    for (const auto key : {"identity_file", "known_hosts"}) {
        const std::string& path =
            std::string_view(key) == "identity_file" ? h.identity_file : h.known_hosts;
        if (!path.empty() && !remote_path(path))
            t.problem(key, "'" + path + "' must be a path of letters, digits and /._+,:=@-");
    }
    h.key_file = remote_file(t, "key_file");
    h.cert_file = remote_file(t, "cert_file");
    if (!h.key_file.empty() && h.key_file == h.cert_file)
        t.problem("key_file", "must differ from cert_file");
    h.key_mode = t.choice("key_mode");
    for (const auto key : {"owner", "group"}) {
        auto name = t.string(key, false);
        if (name && !account_name(*name))
            t.problem(key, "'" + *name + "' is not a user or group name");
        (std::string_view(key) == "owner" ? h.owner : h.group) = name;
    }
    h.reload = argv_lists(t, "reload");
    for (const auto& argv : h.reload) {
        for (const auto& word : argv) {
            if (!remote_word(word))
                t.problem("reload", "'" + word +
                                        "' needs quoting in the remote shell: use words of "
                                        "letters, digits and /._+,:=@- (a script on the host for "
                                        "more)");
        }
    }
    h.connect_timeout = static_cast<int>(t.integer("connect_timeout"));
    h.command_timeout = static_cast<int>(t.integer("command_timeout"));
    if (h.command_timeout <= h.connect_timeout)
        t.problem("command_timeout", "must be longer than connect_timeout");
    t.report_unknown();
    return h;
}

void resolve_slot_hosts(Config& c, const std::vector<std::uint32_t>& slot_lines,
                        const std::vector<std::uint32_t>& host_lines, Problems& p) {
    std::set<std::string> names;
    for (std::size_t i = 0; i < c.hosts.size(); ++i) {
        if (!c.hosts[i].name.empty() && !names.insert(c.hosts[i].name).second)
            p.add_at(host_lines[i], "host[" + std::to_string(i) + "].name",
                     "duplicate host name '" + c.hosts[i].name + "'");
    }
    std::set<std::string> written;  // host:path, each written by one slot only
    for (std::size_t i = 0; i < c.slots.size(); ++i) {
        SlotConfig& s = c.slots[i];
        const std::string field = "key[" + std::to_string(i) + "].hosts";
        std::set<std::string> seen;
        for (const auto& name : s.hosts) {
            const auto host =
                std::find_if(c.hosts.begin(), c.hosts.end(),
                             [&](const RemoteHostConfig& h) { return h.name == name; });
            if (host == c.hosts.end()) {
                p.add_at(slot_lines[i], field, "no [[host]] named '" + name + "'");
                continue;
            }
            if (!seen.insert(name).second) {
                p.add_at(slot_lines[i], field, "names '" + name + "' twice");
                continue;
            }
            RemoteHostConfig resolved = *host;
            resolved.key_file = with_slot(host->key_file, s.name);
            resolved.cert_file = with_slot(host->cert_file, s.name);
            for (const auto& path : {resolved.key_file, resolved.cert_file}) {
                if (!written.insert(name + ":" + path).second)
                    p.add_at(slot_lines[i], field,
                             "two slots would write " + path + " on host " + name +
                                 " (put {slot} in its key_file and cert_file)");
            }
            s.remote_hosts.push_back(std::move(resolved));
        }
    }
}

}  // namespace dk::config
