#include "service/keys/ssh_deploy.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <chrono>
#include <string_view>

#include "base/hex.h"
#include "base/log.h"
#include "base/process.h"
#include "base/strings.h"

namespace dk::service {
namespace {

constexpr const char* ssh_program = "/usr/bin/ssh";

Result<std::string> sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr) != 1)
        return Error::environment("SHA-256 failed");
    return to_hex(Bytes(digest, digest + size));
}

std::string directory_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

// The remote words of the host's configuration, checked again here: the script is only ever
// made of them and of our own fixed text.
Status check_words(const config::RemoteHostConfig& host) {
    for (const auto& path : {host.key_file, host.cert_file}) {
        if (!config::remote_path(path))
            return Error::bad_input("host " + host.name + ": '" + printable(path) +
                                    "' is no plain absolute path");
    }
    for (const auto& name : {host.owner, host.group}) {
        if (name && !config::account_name(*name))
            return Error::bad_input("host " + host.name + ": '" + printable(*name) +
                                    "' is no user or group name");
    }
    if (host.key_mode.size() != 4 ||
        host.key_mode.find_first_not_of("01234567") != std::string::npos)
        return Error::bad_input("host " + host.name + ": key_mode '" + printable(host.key_mode) +
                                "' is no octal mode");
    for (const auto& argv : host.reload) {
        if (argv.empty() || !argv[0].starts_with('/'))
            return Error::bad_input("host " + host.name +
                                    ": reload must start with an absolute "
                                    "program path");
        for (const auto& word : argv) {
            if (!config::remote_word(word))
                return Error::bad_input("host " + host.name + ": reload word '" + printable(word) +
                                        "' would need quoting");
        }
    }
    return {};
}

bool is_hex(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// What a failed run means for the operator: which step, and whether anything changed.
std::string failure_text(const process::Completion& done, const config::RemoteHostConfig& host) {
    const std::string first = done.err.substr(0, 400);
    std::string said;
    for (const char ch : trim(first)) {
        if (ch != '\r') said += ch == '\n' ? ' ' : ch;
    }
    said = printable(said);
    if (done.signal != 0) return "ssh ended by signal " + std::to_string(done.signal);
    switch (done.exit_code) {
        case 255:
            // ssh's banner about a changed key says nothing the operator needs here.
            if (done.err.find("Host key verification failed") != std::string::npos) {
                return "the host's SSH key is not the one pinned in " + host.known_hosts +
                       " (ssh: Host key verification failed); nothing deployed";
            }
            return "ssh failed (" + said + ")";
        case 3:
        case 4:
            return said + " (nothing changed on the host)";
        case 5:
            return said;
        case 6:
            return said + " (the files are in place)";
        default:
            return "the remote command exited " + std::to_string(done.exit_code) + ": " + said;
    }
}

}  // namespace

std::vector<std::string> ssh_argv(const config::RemoteHostConfig& host,
                                  const std::string& remote_command) {
    // -F /dev/null: neither ~/.ssh/config nor /etc/ssh/ssh_config changes what happens here.
    // Keys only (no agent, no password, no keyboard), the one pinned host key, no forwarding,
    // no multiplexing, no terminal.
    std::vector<std::string> argv = {
        ssh_program,   "-F",
        "/dev/null",   "-T",
        "-x",          "-a",
        "-o",          "BatchMode=yes",
        "-o",          "IdentitiesOnly=yes",
        "-o",          "IdentityAgent=none",
        "-o",          "IdentityFile=" + host.identity_file,
        "-o",          "PreferredAuthentications=publickey",
        "-o",          "PasswordAuthentication=no",
        "-o",          "KbdInteractiveAuthentication=no",
        "-o",          "StrictHostKeyChecking=yes",
        "-o",          "UserKnownHostsFile=" + host.known_hosts,
        "-o",          "GlobalKnownHostsFile=/dev/null",
        "-o",          "UpdateHostKeys=no",
        "-o",          "CheckHostIP=no",
        "-o",          "ControlMaster=no",
        "-o",          "ControlPath=none",
        "-o",          "ClearAllForwardings=yes",
        "-o",          "PermitLocalCommand=no",
        "-o",          "ConnectTimeout=" + std::to_string(host.connect_timeout),
        "-o",          "ServerAliveInterval=10",
        "-o",          "ServerAliveCountMax=3",
        "-o",          "LogLevel=ERROR",
        "-p",          std::to_string(host.port),
        "-l",          host.ssh_user,
        "--",          host.ssh_address,
        remote_command};
    return argv;
}

Result<std::string> remote_deploy_script(const config::RemoteHostConfig& host, std::size_t key_size,
                                         const std::string& key_sha256_hex, std::size_t chain_size,
                                         const std::string& chain_sha256_hex) {
    DK_TRY_STATUS(check_words(host));
    if (!is_hex(key_sha256_hex) || !is_hex(chain_sha256_hex) || key_size == 0 || chain_size == 0)
        return Error::bad_input("remote deploy: no sizes or digests of the files");
    const std::string& key = host.key_file;
    const std::string& cert = host.cert_file;
    // The staged and kept names carry the remote shell's pid: a run that danekeeper left behind
    // when it was killed may still be going, and must never write into this run's files.
    const std::string key_new = key + ".dk-new.$$";
    const std::string cert_new = cert + ".dk-new.$$";
    const std::string key_old = key + ".dk-old.$$";
    std::string s;
    s += "set -u\numask 077\n";
    s += "fail() { rm -f -- " + key_new + " " + cert_new + " " + key_old +
         "; echo \"danekeeper-remote: $2\" >&2; exit \"$1\"; }\n";
    s += "trap 'fail 7 \"interrupted\"' HUP INT TERM PIPE\n";
    // dd reads exactly the given bytes from the stream and syncs the file; the digest proves that
    // what arrived is what was sent.
    s += "take() { dd of=\"$1\" bs=65536 count=\"$2\" iflag=count_bytes,fullblock conv=fsync "
         "status=none && printf '%s  %s\\n' \"$3\" \"$1\" | sha256sum -c --status -; }\n";
    s += "take " + key_new + " " + std::to_string(key_size) + " " + key_sha256_hex +
         " || fail 3 \"" + key + ": the key arrived short or corrupted\"\n";
    s += "take " + cert_new + " " + std::to_string(chain_size) + " " + chain_sha256_hex +
         " || fail 3 \"" + cert + ": the chain arrived short or corrupted\"\n";
    if (host.owner || host.group) {
        const std::string who = host.owner.value_or("") + (host.group ? ":" + *host.group : "");
        s += "chown -- " + who + " " + key_new + " " + cert_new + " || fail 4 \"chown " + who +
             " refused\"\n";
    }
    s += "chmod -- " + host.key_mode + " " + key_new + " && chmod -- 0644 " + cert_new +
         " || fail 4 \"chmod refused\"\n";
    // As the local deployment does: the key served before is kept to put back if the chain's
    // rename fails, so the host never serves a key with another key's chain.
    s += "rm -f -- " + key_old + "\n";
    s += "if [ -e " + key + " ]; then ln -f -- " + key + " " + key_old +
         " || fail 4 \"cannot keep " + key + " to put back\"; fi\n";
    s += "mv -fT -- " + key_new + " " + key + " || fail 5 \"" + key +
         ": rename failed; nothing changed\"\n";
    s += "if ! mv -fT -- " + cert_new + " " + cert + "; then\n";
    s += "  if [ -e " + key_old + " ]; then mv -fT -- " + key_old + " " + key + "; fi\n";
    s += "  fail 5 \"" + cert + ": rename failed; the key served before is back\"\n";
    s += "fi\n";
    s += "rm -f -- " + key_old + "\n";
    s += "sync -- " + directory_of(key) + " " + directory_of(cert) +
         " || fail 5 \"sync of the directories failed\"\n";
    for (const auto& argv : host.reload) {
        s += join(argv, " ") + " || fail 6 \"reload " + argv[0] + " exited $?\"\n";
    }
    s += "exit 0\n";
    return s;
}

Status deploy_to_host(const config::RemoteHostConfig& host, const std::string& slot,
                      const std::string& key_pem, const std::string& chain_pem) {
    const std::string where = "host " + host.name + " (" + host.ssh_user + "@" + host.ssh_address +
                              " port " + std::to_string(host.port) + ")";
    DK_TRY(std::string key_digest, sha256_hex(key_pem));
    DK_TRY(std::string chain_digest, sha256_hex(chain_pem));
    auto script =
        remote_deploy_script(host, key_pem.size(), key_digest, chain_pem.size(), chain_digest);
    if (!script.ok()) return script.error().context(where);
    process::Request request{.argv = ssh_argv(host, *script),
                             .env = {{"DANEKEEPER_SLOT", slot}},
                             .timeout = std::chrono::seconds(host.command_timeout),
                             .max_output = 16 * 1024,
                             .input = key_pem + chain_pem};
    auto done = process::run(request);
    OPENSSL_cleanse(request.input.data(), request.input.size());
    if (!done.ok()) return done.error().context(where);
    if (done->exit_code != 0) return Error::environment(where + ": " + failure_text(*done, host));
    log::info("deploy.host_done",
              {{"slot", slot}, {"host", host.name}, {"key_file", host.key_file}});
    return {};
}

}  // namespace dk::service
