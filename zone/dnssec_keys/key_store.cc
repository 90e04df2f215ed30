#include "zone/dnssec_keys/key_store.h"

#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "base/files.h"
#include "base/strings.h"
#include "zone/dnssec_keys/transitions.h"
#include "zone/sign/key_files.h"

namespace dk::zone::dnssec_keys {
namespace {

// The zone as key rows and file names hold it: absolute and lower case.
std::string canonical_zone(std::string zone) {
    return lower(absolute_name(std::move(zone)));
}

Status make_private_dir(const std::string& dir) {
    for (std::size_t pos = 1; pos != std::string::npos;) {
        pos = dir.find('/', pos + 1);
        const std::string part = dir.substr(0, pos);
        if (::mkdir(part.c_str(), 0700) != 0 && errno != EEXIST)
            return Error::environment(part + ": cannot create: " + std::strerror(errno));
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return Error::environment(dir + ": not a directory");
    if ((st.st_mode & 077) != 0)
        return Error::bad_input(dir + ": key directory must not be open to group or others (mode " +
                                std::to_string(st.st_mode & 0777) + ")");
    return {};
}

bool tag_taken(std::uint16_t tag, const std::vector<KeyRecord>& taken) {
    return std::any_of(taken.begin(), taken.end(),
                       [&](const KeyRecord& k) { return k.tag == tag; });
}

}  // namespace

std::string key_directory(const std::string& state_dir, const std::string& zone) {
    std::string name = canonical_zone(zone);
    name.pop_back();
    return state_dir + "/dnssec/" + (name.empty() ? std::string("root") : name);
}

Result<KeyStore> KeyStore::open(std::string dir, std::string zone) {
    DK_TRY_STATUS(make_private_dir(dir));
    return KeyStore(std::move(dir), canonical_zone(std::move(zone)));
}

Result<KeyRecord> KeyStore::generate(sign::Algorithm algorithm, Role role,
                                     const std::vector<KeyRecord>& taken, TimePoint now) const {
    const std::uint16_t flags =
        role == Role::ksk ? sign::flag_zone_key | sign::flag_sep : sign::flag_zone_key;
    // Tags name keys in RRSIGs and DS: a zone never holds two keys with the same tag.
    for (int attempt = 0; attempt < 16; ++attempt) {
        DK_TRY(sign::SigningKey key, sign::SigningKey::generate(algorithm, flags));
        if (tag_taken(key.tag(), taken)) continue;
        auto written = sign::write_key_files(dir_, zone_, key, iso_time(now));
        if (!written.ok()) return written.error().context("dnssec key store " + dir_);
        return new_key_record(key.tag(), static_cast<std::uint8_t>(algorithm), role,
                              key.dnskey().rdata(), now);
    }
    return Error::environment(dir_ + ": no free key tag after 16 keys");
}

Result<sign::SigningKey> KeyStore::load(const KeyRecord& record) const {
    const std::string base = base_path(record);
    DK_TRY(const std::string pub, files::read_limited(base + ".key", 64 * 1024));
    DK_TRY(const sign::Dnskey dnskey, sign::parse_public_key(pub, zone_, base + ".key"));
    if (dnskey.rdata() != record.dnskey_rdata)
        return Error::bad_input(base + ".key: does not hold the DNSKEY recorded for " +
                                describe(record));
    const std::string priv_path = base + ".private";
    DK_TRY(std::string priv, files::read_secret(priv_path, 64 * 1024));
    auto key = sign::parse_private_key(priv, dnskey, priv_path);
    OPENSSL_cleanse(priv.data(), priv.size());
    return key;
}

void KeyStore::remove_files(const KeyRecord& record) const {
    const std::string base = base_path(record);
    ::unlink((base + ".private").c_str());
    ::unlink((base + ".key").c_str());
}

std::string KeyStore::base_path(const KeyRecord& record) const {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "+%03u+%05u", record.algorithm, record.tag);
    return dir_ + "/K" + zone_ + suffix;
}

}  // namespace dk::zone::dnssec_keys
