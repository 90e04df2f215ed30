// Loading the file, lookups, and the checks that need the file system (kept apart from parsing
// so that parse_config stays pure).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <utility>

#include "base/files.h"
#include "base/privileges.h"
#include "base/process.h"
#include "config/config.h"

namespace dk::config {

Result<Config> load_config(const std::string& path) {
    DK_TRY(const files::OpenedFile file, files::open_bounded(path, files::default_max_bytes));
    // The file names programs we run: whoever may write it may run them as us.
    if ((file.mode & S_IWOTH) != 0) {
        return Error::bad_input(path + ": writable by others (mode " + files::mode_text(file.mode) +
                                "); chmod o-w it");
    }
    DK_TRY(std::string text, files::read_opened(file, path));
    return parse_config(text, path);
}

const SlotConfig* Config::slot(std::string_view name) const {
    for (const auto& s : slots) {
        if (s.name == name) return &s;
    }
    return nullptr;
}

std::string publish_command(const ZoneConfig& zone) {
    if (zone.signed_file) return "";
    return "danekeeper publish --zone " + zone.name + " --server " + zone.primary.to_string() +
           " --tsig-key " + zone.tsig_key_file;
}

const ZoneConfig* Config::zone(std::string_view name) const {
    for (const auto& z : zones) {
        if (z.name == name) return &z;
    }
    return nullptr;
}

namespace {

// The unsigned file must be a readable regular file (a FIFO would hang the reader), keys_dir a
// directory, the signed file's directory there, reloads executable.
template <typename Note>
void check_signed_file(const SignedFileConfig& s, const std::string& prefix, Note note) {
    struct stat st {};
    if (::stat(s.unsigned_file.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        note(prefix + "unsigned_file: " + s.unsigned_file + " is not a regular file");
    else if (::access(s.unsigned_file.c_str(), R_OK) != 0)
        note(prefix + "unsigned_file: cannot read " + s.unsigned_file);
    if (s.keys_dir && (::stat(s.keys_dir->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
        note(prefix + "keys_dir: " + *s.keys_dir + " is not a directory");
    const std::string dir = s.signed_file.substr(0, s.signed_file.rfind('/') + 1);
    if (::access(dir.c_str(), W_OK | X_OK) != 0)
        note(prefix + "signed_file: cannot write in " + dir);
    for (const auto& argv : s.reload) {
        if (::access(argv[0].c_str(), X_OK) != 0)
            note(prefix + "reload: " + argv[0] + " is not executable");
    }
}

// What check_files asks of each path, asked once: a hundred slots name the same CA file, issue
// command and served directory (the CLI's start pays every system call).
class PathFacts {
  public:
    bool is_directory(const std::string& path) {
        return remember(directories_, path, [&] {
            struct stat st {};
            return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        });
    }
    bool executable(const std::string& path) {
        return remember(executables_, path, [&] { return ::access(path.c_str(), X_OK) == 0; });
    }
    // files::read_limited's verdict (missing, not a regular file, too large).
    Status readable(const std::string& path) {
        return remember(reads_, path, [&]() -> Status {
            if (auto read = files::read_limited(path); !read.ok()) return read.error();
            return {};
        });
    }

  private:
    template <typename Value, typename Ask>
    static Value remember(std::map<std::string, Value>& known, const std::string& path, Ask ask) {
        if (const auto found = known.find(path); found != known.end()) return found->second;
        return known.emplace(path, ask()).first->second;
    }
    std::map<std::string, bool> directories_;
    std::map<std::string, bool> executables_;
    std::map<std::string, Status> reads_;
};

// The served files are replaced by rename in their directory, which must therefore be there.
template <typename Note>
void check_served_directories(const SlotConfig& s, PathFacts& facts, Note note) {
    for (const auto& [field, path] : {std::pair{"cert_file", std::optional(s.cert_file)},
                                      std::pair{"key_file", std::optional(s.key_file)},
                                      std::pair{"combined_file", s.combined_file}}) {
        if (!path || path->empty()) continue;
        const std::string dir = path->substr(0, std::max<std::size_t>(path->rfind('/'), 1));
        if (!facts.is_directory(dir))
            note("key " + s.name + ": " + field + ": " + dir + " is not a directory");
    }
}

// The login key must be private; the host's key must be pinned: ssh-keygen -F finds plain and
// hashed known_hosts entries alike, under the name ssh looks up ("[address]:port" off port 22).
template <typename Note>
void check_host_files(const RemoteHostConfig& h, Note note) {
    const std::string prefix = "host " + h.name + ": ";
    if (auto s = files::check_secret_permissions(h.identity_file); !s.ok())
        note(prefix + "identity_file: " + s.error().message);
    if (auto read = files::read_limited(h.known_hosts); !read.ok()) {
        note(prefix + "known_hosts: " + read.error().message);
        return;
    }
    const std::string lookup =
        h.port == 22 ? h.ssh_address : "[" + h.ssh_address + "]:" + std::to_string(h.port);
    auto found = process::run({.argv = {"/usr/bin/ssh-keygen", "-F", lookup, "-f", h.known_hosts},
                               .timeout = std::chrono::seconds(10)});
    if (!found.ok()) {
        note(prefix + "known_hosts: " + found.error().message);
    } else if (found->exit_code != 0) {
        note(prefix + "known_hosts: " + h.known_hosts + " holds no key for " + lookup +
             " (pin it: ssh-keyscan -p " + std::to_string(h.port) + " " + h.ssh_address +
             ", checked against the host's own key)");
    }
}

// The snapshot is written by rename in its directory, for a group that must exist.
template <typename Note>
void check_status_file(const MonitoringConfig& m, Note note) {
    if (!m.status_file) return;
    const std::string dir =
        m.status_file->substr(0, std::max<std::size_t>(m.status_file->rfind('/'), 1));
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        note("monitoring.status_file: " + dir + " is not a directory");
    if (m.status_file_group && !files::group_id(*m.status_file_group))
        note("monitoring.status_file_group: no group named '" + *m.status_file_group + "'");
}

// The policy file is written by rename in its directory; the CA bundle must be readable.
template <typename Note>
void check_mta_sts(const MtaStsConfig& m, const std::string& prefix, Note note) {
    const std::string dir =
        m.policy_file.substr(0, std::max<std::size_t>(m.policy_file.rfind('/'), 1));
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        note(prefix + "mta_sts_policy_file: " + dir + " is not a directory");
    if (m.ca_bundle) {
        if (auto read = files::read_limited(*m.ca_bundle); !read.ok())
            note(prefix + "mta_sts_ca_bundle: " + read.error().message);
    }
}

}  // namespace

Status check_files(const Config& c) {
    std::string problems;
    auto note = [&](const std::string& what) {
        problems += (problems.empty() ? "" : "\n") + c.source + ": " + what;
    };
    for (const auto& z : c.zones) {
        if (z.mta_sts) check_mta_sts(*z.mta_sts, "zone " + z.name + ": ", note);
        if (z.signed_file) {
            check_signed_file(*z.signed_file, "zone " + z.name + ": ", note);
            continue;
        }
        if (auto s = files::check_secret_permissions(z.tsig_key_file); !s.ok())
            note("zone " + z.name + ": tsig_key_file: " + s.error().message);
    }
    // Read errors name the file and say why (missing, not a regular file, too large).
    if (c.trust_anchor_file) {
        if (auto read = files::read_limited(*c.trust_anchor_file); !read.ok())
            note("dns.trust_anchor_file: " + read.error().message);
    }
    if (c.parent_anchor_file) {
        if (auto read = files::read_limited(*c.parent_anchor_file); !read.ok())
            note("dns.parent_anchor_file: " + read.error().message);
    }
    PathFacts facts;
    for (const auto& s : c.slots) {
        check_served_directories(s, facts, note);
        if (s.key_group) {
            if (auto gid = privileges::group_id(*s.key_group); !gid.ok())
                note("key " + s.name + ": key_group: " + gid.error().message);
        }
        for (const auto& argv : s.reload) {
            if (!facts.executable(argv[0]))
                note("key " + s.name + ": reload: " + argv[0] + " is not executable");
        }
        if (!s.issue_command.empty() && !facts.executable(s.issue_command[0])) {
            note("key " + s.name + ": issue_command: " + s.issue_command[0] + " is not executable");
        }
        if (s.issuer_ca_file) {
            if (auto read = facts.readable(*s.issuer_ca_file); !read.ok())
                note("key " + s.name + ": issuer_ca_file: " + read.error().message);
        }
        for (const auto& path : s.issuer_certificates) {
            if (auto read = facts.readable(path); !read.ok())
                note("key " + s.name + ": issuer_certificates: " + read.error().message);
        }
    }
    if (c.tlsrpt.maildir) {
        for (const char* sub : {"/new", "/cur", "/tmp"}) {
            struct stat st {};
            const std::string dir = *c.tlsrpt.maildir + sub;
            if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
                note("tlsrpt.maildir: " + dir + " is not a directory (not a Maildir)");
                break;
            }
        }
    }
    if (c.tlsrpt.https_listen) {
        if (auto s = files::check_secret_permissions(c.tlsrpt.https_key_file); !s.ok())
            note("tlsrpt.https_key_file: " + s.error().message);
        if (auto read = files::read_limited(c.tlsrpt.https_cert_file); !read.ok())
            note("tlsrpt.https_cert_file: " + read.error().message);
    }
    if (!c.hosts.empty() && ::access("/usr/bin/ssh", X_OK) != 0)
        note("host: /usr/bin/ssh is not executable (install openssh-client)");
    for (const auto& h : c.hosts) check_host_files(h, note);
    if (c.acme) {
        if (c.acme->eab_key_file) {
            if (auto s = files::check_secret_permissions(*c.acme->eab_key_file); !s.ok())
                note("acme.eab_key_file: " + s.error().message);
        }
        for (const auto& [field, path] :
             {std::pair{"acme.ca_bundle", c.acme->ca_bundle},
              std::pair{"acme.issuer_ca_file", c.acme->issuer_ca_file}}) {
            if (!path) continue;
            if (auto read = files::read_limited(*path); !read.ok())
                note(std::string(field) + ": " + read.error().message);
        }
        if (c.acme->webroot && ::access(c.acme->webroot->c_str(), W_OK) != 0)
            note("acme.webroot: " + *c.acme->webroot + " is not a writable directory");
    }
    check_status_file(c.monitoring, note);
    if (!problems.empty()) return Error::bad_input(problems);
    return {};
}

}  // namespace dk::config
