#include "service/keys/file_key_vault.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>

#include "base/files.h"
#include "base/log.h"
#include "base/privileges.h"
#include "base/process.h"
#include "base/strings.h"
#include "cert/chain.h"
#include "cert/chain_matches.h"
#include "cert/csr.h"
#include "cert/keys.h"
#include "cert/tlsa_data.h"
#include "engine/delivery.h"
#include "service/issuance/acme_issuer.h"
#include "service/keys/ssh_deploy.h"

namespace dk::service {
namespace {

std::string key_id(TimePoint now, const Bytes& spki) {
    const std::time_t t = static_cast<std::time_t>(unix_seconds(now));
    std::tm tm{};
    gmtime_r(&t, &tm);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
    return std::string(stamp) + "-" + to_hex(spki).substr(0, 12);
}

Status make_dir(const std::string& path) {
    if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
        return Error::environment(path + ": cannot create directory");
    }
    return {};
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto pos = text.find(from); pos != std::string::npos;
         pos = text.find(from, pos + to.size())) {
        text.replace(pos, from.size(), to);
    }
    return text;
}

// A served file and what it is to hold.
struct ServedFile {
    std::string path;
    std::string content;
    mode_t mode;
    std::optional<gid_t> group;  // key_group: chgrp, which a member may do without privilege
};

std::string staged_path(const std::string& path) {
    return path + ".dk-new";
}
std::string kept_path(const std::string& path) {
    return path + ".dk-old";
}

// Replaces the served files together, as far as a file system allows: every new content is
// written and synced beside its target first (a full disk or an unwritable directory fails here,
// with nothing served changed); then the renames follow back to back, and a rename that fails
// puts back the files already renamed, from hard links of the ones served before.
Status replace_served_files(const std::vector<ServedFile>& served) {
    std::vector<std::string> leftovers;  // removed whatever happens
    const auto remove_leftovers = [&leftovers] {
        for (const auto& path : leftovers) ::unlink(path.c_str());
    };
    for (const auto& file : served) {
        const std::string staged = staged_path(file.path);
        auto written = files::write_atomic(staged, file.content, file.mode, files::Overwrite::yes);
        if (!written.ok()) {
            remove_leftovers();
            return written.error().context("deploy: nothing changed");
        }
        leftovers.push_back(staged);
        if (file.group && ::chown(staged.c_str(), static_cast<uid_t>(-1), *file.group) != 0) {
            const std::string why = std::strerror(errno);
            remove_leftovers();
            return Error::environment(file.path + ": cannot give it group " +
                                      std::to_string(*file.group) + " (" + why +
                                      "; is the service user a member of key_group?); deploy: "
                                      "nothing changed");
        }
    }
    std::vector<bool> had_old;
    for (const auto& file : served) {
        const std::string kept = kept_path(file.path);
        ::unlink(kept.c_str());  // a leftover of a deployment that crashed
        if (::link(file.path.c_str(), kept.c_str()) == 0) {
            leftovers.push_back(kept);
            had_old.push_back(true);
        } else if (errno == ENOENT) {
            had_old.push_back(false);  // the first deployment to this path
        } else {
            const std::string why = std::strerror(errno);
            remove_leftovers();
            return Error::environment(file.path + ": cannot keep the served file to put back (" +
                                      why + "); deploy: nothing changed");
        }
    }
    for (std::size_t i = 0; i < served.size(); ++i) {
        if (::rename(staged_path(served[i].path).c_str(), served[i].path.c_str()) == 0) continue;
        const std::string why = std::strerror(errno);
        for (std::size_t j = 0; j < i; ++j) {
            if (had_old[j])
                ::rename(kept_path(served[j].path).c_str(), served[j].path.c_str());
            else
                ::unlink(served[j].path.c_str());
        }
        remove_leftovers();
        return Error::environment(served[i].path + ": rename failed: " + why +
                                  "; deploy: the files served before are back");
    }
    remove_leftovers();
    for (const auto& file : served) {
        DK_TRY_STATUS(files::fsync_directory(std::filesystem::path(file.path).parent_path()));
    }
    return {};
}

}  // namespace

std::string FileKeyVault::key_path(const std::string& id) const {
    return state_dir_ + "/keys/" + slot_.name + "/" + id + ".key.pem";
}
std::string FileKeyVault::chain_path(const std::string& id) const {
    return state_dir_ + "/certs/" + slot_.name + "/" + id + ".chain.pem";
}

Status FileKeyVault::ensure_dirs() const {
    for (const auto& dir :
         {state_dir_ + "/keys", state_dir_ + "/keys/" + slot_.name, state_dir_ + "/certs",
          state_dir_ + "/certs/" + slot_.name, state_dir_ + "/tmp"}) {
        DK_TRY_STATUS(make_dir(dir));
    }
    return {};
}

Result<engine::SlotKey> FileKeyVault::generate_key(const std::string& /*slot*/, TimePoint now) {
    DK_TRY_STATUS(ensure_dirs());
    DK_TRY(cert::KeyAlgorithm algorithm, cert::parse_key_algorithm(slot_.algorithm));
    DK_TRY(ossl::EvpPkeyPtr key, cert::generate_key(algorithm));
    DK_TRY(Bytes spki, cert::spki_sha256(*key));
    DK_TRY(std::string pem, cert::private_key_pem(*key));
    engine::SlotKey slot_key{key_id(now, spki), spki, now, std::nullopt};
    DK_TRY_STATUS(files::write_atomic(key_path(slot_key.id), pem, 0600, files::Overwrite::no));
    log::info("key.generated",
              {{"slot", slot_.name}, {"key", slot_key.id}, {"algorithm", slot_.algorithm}});
    return slot_key;
}

Result<std::string> FileKeyVault::check_chain_for_key(const std::string& text,
                                                      const engine::SlotKey& key,
                                                      const std::string& source) const {
    DK_TRY(cert::Chain chain, cert::parse_chain_pem(text, source));
    DK_TRY_STATUS(cert::check_chain_order(chain, source));
    DK_TRY(Bytes spki, cert::spki_sha256(*chain.front()));
    if (spki != key.spki_sha256) {
        return Error::check_failed(source + ": the certificate is for another key (SPKI " +
                                   to_hex(spki).substr(0, 16) + ", wanted " +
                                   to_hex(key.spki_sha256).substr(0, 16) + ")");
    }
    const TimePoint now = std::chrono::system_clock::now();
    if (now < cert::not_before(*chain.front()) || now >= cert::not_after(*chain.front())) {
        return Error::check_failed(
            source + ": the certificate is not valid now (not before " +
            std::to_string(unix_seconds(cert::not_before(*chain.front()))) + ", not after " +
            std::to_string(unix_seconds(cert::not_after(*chain.front()))) + ")");
    }
    const auto names = cert::dns_names(*chain.front());
    for (const auto& ep : slot_.endpoints) {
        if (std::find(names.begin(), names.end(), ep.host) == names.end()) {
            return Error::check_failed(source + ": the certificate does not name " + ep.host);
        }
    }
    // Every chain, whatever its source, is held to the bound a public CA keeps: one accepted
    // far-future certificate would stand in the way of every renewal.
    const TimePoint not_after = cert::not_after(*chain.front());
    if (not_after > now + engine::longest_certificate_life) {
        return Error::check_failed(
            source + ": the certificate is valid until " + iso_time(not_after) + ", more than " +
            std::to_string(engine::longest_certificate_life.count() / 86400) +
            " days from now (no public CA issues for longer than 398 days)");
    }
    DK_TRY(std::string pem, cert::chain_pem(chain));
    // The ACME issuer verifies its chains to [acme] issuer_ca_file before they get here; chains
    // from issue_command and hook deliver are verified to the slot's roots.
    if (slot_.certificates != "acme") {
        if (auto verified = cert::verify_chain_to_roots(pem, slot_.issuer_ca_file); !verified.ok())
            return verified.error().context(source);
    }
    return pem;
}

Result<engine::ObtainedCertificate> FileKeyVault::obtain_certificate(const std::string& /*slot*/,
                                                                     const engine::SlotKey& key) {
    DK_TRY_STATUS(ensure_dirs());
    // The planner waits for `hook deliver` in hook mode; asking here would be a bug.
    if (slot_.certificates == "hook")
        return Error::bad_input("slot " + slot_.name + " takes certificates from its hook");
    DK_TRY(std::string csr, make_csr(key));
    if (slot_.certificates == "acme") {
        if (acme_ == nullptr) return Error::bad_input("slot " + slot_.name + ": no ACME client");
        std::vector<std::string> names;
        for (const auto& ep : slot_.endpoints) {
            if (std::find(names.begin(), names.end(), ep.host) == names.end())
                names.push_back(ep.host);
        }
        // The CSR is made from the key the engine chose (current for a renewal, next for a
        // rollover); store_chain refuses a certificate for any other key or missing a name.
        DK_TRY(std::string chain, acme_->issue(csr, names));
        return store_chain(key, chain, "ACME certificate");
    }
    const std::string csr_path = state_dir_ + "/tmp/" + key.id + ".csr";
    const std::string out_path = state_dir_ + "/tmp/" + key.id + ".issued.pem";
    ::unlink(out_path.c_str());
    DK_TRY_STATUS(files::write_atomic(csr_path, csr, 0600, files::Overwrite::yes));
    process::Request request;
    for (const auto& arg : slot_.issue_command) {
        std::string a = replace_all(arg, "{csr}", csr_path);
        a = replace_all(a, "{chain}", out_path);
        a = replace_all(a, "{key}", key_path(key.id));
        request.argv.push_back(replace_all(a, "{slot}", slot_.name));
    }
    request.env = {{"DANEKEEPER_SLOT", slot_.name},
                   {"DANEKEEPER_CSR", csr_path},
                   {"DANEKEEPER_CHAIN", out_path}};
    DK_TRY(process::Completion done, process::run(request));
    if (done.exit_code != 0) {
        return Error::environment("issue_command exited " + std::to_string(done.exit_code) + ": " +
                                  done.err.substr(0, 200));
    }
    DK_TRY(std::string issued, files::read_limited(out_path));
    DK_TRY(engine::ObtainedCertificate stored, store_chain(key, issued, "issued certificate"));
    ::unlink(out_path.c_str());
    return stored;
}

std::optional<TimePoint> FileKeyVault::renewal_time(const std::string& /*slot*/,
                                                    const engine::SlotKey& key) {
    if (slot_.certificates != "acme" || acme_ == nullptr) return std::nullopt;
    auto chain = files::read_limited(chain_path(key.id));
    if (!chain.ok()) return std::nullopt;
    return acme_->renewal_time(*chain, std::chrono::system_clock::now());
}

Result<std::string> FileKeyVault::make_csr(const engine::SlotKey& key) const {
    DK_TRY(std::string key_pem, files::read_limited(key_path(key.id)));
    DK_TRY(ossl::EvpPkeyPtr pkey, cert::parse_private_key_pem(key_pem, key_path(key.id)));
    std::vector<std::string> names;
    for (const auto& ep : slot_.endpoints) {
        if (std::find(names.begin(), names.end(), ep.host) == names.end()) names.push_back(ep.host);
    }
    return cert::make_csr_pem(*pkey, names);
}

Result<engine::ObtainedCertificate> FileKeyVault::store_chain(const engine::SlotKey& key,
                                                              const std::string& chain_text,
                                                              const std::string& source) {
    DK_TRY_STATUS(ensure_dirs());
    DK_TRY(std::string chain, check_chain_for_key(chain_text, key, source));
    DK_TRY_STATUS(files::write_atomic(chain_path(key.id), chain, 0644, files::Overwrite::yes));
    DK_TRY(cert::Chain parsed, cert::parse_chain_pem(chain, chain_path(key.id)));
    engine::ObtainedCertificate stored{cert::not_after(*parsed.front()),
                                       cert::issuer_text(*parsed.front())};
    log::info("certificate.stored",
              {{"slot", slot_.name}, {"key", key.id}, {"issuer", stored.issuer}});
    return stored;
}

Result<std::vector<TlsaRecord>> FileKeyVault::chain_matches(
    const std::string& /*slot*/, const engine::SlotKey& key,
    const std::vector<TlsaRecord>& published) {
    DK_TRY(std::string text, files::read_limited(chain_path(key.id)));
    DK_TRY(cert::Chain chain, cert::parse_chain_pem(text, chain_path(key.id)));
    return cert::chain_matches(cert::borrow(chain), published);
}

std::vector<std::string> FileKeyVault::sender_refusals(const std::string& /*slot*/,
                                                       const engine::SlotKey& key) {
    if (webpki_.empty()) return {};
    auto text = files::read_limited(chain_path(key.id));
    if (!text.ok()) return {webpki_.front().endpoint + ": " + text.error().message};
    auto chain = cert::parse_chain_pem(*text, chain_path(key.id));
    if (!chain.ok()) return {webpki_.front().endpoint + ": " + chain.error().message};
    return cert::webpki_refusals(*chain, webpki_);
}

Status FileKeyVault::deploy(const std::string& /*slot*/, const engine::SlotKey& key) {
    DK_TRY(std::string key_pem, files::read_limited(key_path(key.id)));
    DK_TRY(std::string chain_text, files::read_limited(chain_path(key.id)));
    DK_TRY(ossl::EvpPkeyPtr pkey, cert::parse_private_key_pem(key_pem, key_path(key.id)));
    DK_TRY(cert::Chain chain, cert::parse_chain_pem(chain_text, chain_path(key.id)));
    DK_TRY_STATUS(cert::check_key_matches(*chain.front(), *pkey, chain_path(key.id)));
    // The combined file switches key and chain in one rename; the separate key and chain files
    // follow back to back (README "What a server sees during a deployment").
    std::optional<gid_t> key_group;
    if (slot_.key_group) {
        DK_TRY(gid_t gid, privileges::group_id(*slot_.key_group));
        key_group = gid;
    }
    const mode_t key_mode = slot_.key_mode == "0640" ? 0640 : 0600;
    std::vector<ServedFile> served;
    if (slot_.combined_file)
        served.push_back({*slot_.combined_file, key_pem + chain_text, key_mode, key_group});
    served.push_back({slot_.key_file, key_pem, key_mode, key_group});
    served.push_back({slot_.cert_file, chain_text, 0644, std::nullopt});
    DK_TRY_STATUS(replace_served_files(served));
    for (const auto& argv : slot_.reload) {
        DK_TRY(process::Completion done,
               process::run({.argv = argv, .env = {{"DANEKEEPER_SLOT", slot_.name}}}));
        if (done.exit_code != 0) {
            return Error::environment("reload " + argv[0] + " exited " +
                                      std::to_string(done.exit_code) + ": " +
                                      done.err.substr(0, 200));
        }
    }
    log::info("deploy.done",
              {{"slot", slot_.name}, {"key", key.id}, {"cert_file", slot_.cert_file}});
    return deploy_to_hosts(key, key_pem, chain_text);
}

// Every host is tried, whatever the others do; one that failed fails the deployment, so the
// engine neither records it nor retires anything, and runs it again (it is idempotent).
Status FileKeyVault::deploy_to_hosts(const engine::SlotKey& key, const std::string& key_pem,
                                     const std::string& chain_text) const {
    std::vector<std::string> failed;
    for (const auto& host : slot_.remote_hosts) {
        if (auto done = deploy_to_host(host, slot_.name, key_pem, chain_text); !done.ok()) {
            log::error("deploy.host_failed", {{"slot", slot_.name},
                                              {"key", key.id},
                                              {"host", host.name},
                                              {"error", done.error().message}});
            failed.push_back(done.error().message);
        }
    }
    if (failed.empty()) return {};
    return Error::environment("deploy to " + std::to_string(failed.size()) + " of " +
                              std::to_string(slot_.remote_hosts.size()) +
                              " hosts failed: " + join(failed, "; ") + "; nothing is retired");
}

Result<engine::SlotKey> FileKeyVault::import_served(TimePoint now) {
    DK_TRY_STATUS(ensure_dirs());
    DK_TRY(std::string key_pem, files::read_limited(slot_.key_file));
    DK_TRY(std::string chain_text, files::read_limited(slot_.cert_file));
    DK_TRY(ossl::EvpPkeyPtr pkey, cert::parse_private_key_pem(key_pem, slot_.key_file));
    DK_TRY(cert::Chain chain, cert::parse_chain_pem(chain_text, slot_.cert_file));
    DK_TRY_STATUS(cert::check_key_matches(*chain.front(), *pkey, slot_.cert_file));
    DK_TRY(Bytes spki, cert::spki_sha256(*pkey));
    engine::SlotKey key{key_id(now, spki), spki, now, std::nullopt};
    DK_TRY(std::string normalised_key, cert::private_key_pem(*pkey));
    DK_TRY(std::string chain_pem, cert::chain_pem(chain));
    DK_TRY_STATUS(
        files::write_atomic(key_path(key.id), normalised_key, 0600, files::Overwrite::no));
    if (auto s = files::write_atomic(chain_path(key.id), chain_pem, 0644, files::Overwrite::yes);
        !s.ok()) {
        ::unlink(key_path(key.id).c_str());  // ours, just written: no orphan key without its chain
        return s.error();
    }
    return key;
}

}  // namespace dk::service
