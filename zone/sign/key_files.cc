// The key directory and the .key half of BIND's key files; the .private half is in
// private_key_file.cc.
#include "zone/sign/key_files.h"

#include <dirent.h>
#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

#include "base/base64.h"
#include "base/files.h"
#include "base/strings.h"
#include "zone/sign/record_text.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

std::string key_base_name(const std::string& zone, const Dnskey& key) {
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "+%03u+%05u", key.algorithm, key.tag());
    std::string name = "K";
    name += lower(absolute_name(zone));
    name += suffix;
    return name;
}

}  // namespace

KeySet key_set_from(const KeyDirectory& dir) {
    KeySet keys;
    keys.publish = dir.published;
    for (const auto& k : dir.signing) {
        if (k.dnskey().is_sep())
            keys.key_signing.push_back(k);
        else
            keys.zone_signing.push_back(k);
    }
    return keys;
}

Result<Dnskey> parse_public_key(std::string_view text, const std::string& zone,
                                const std::string& source) {
    std::istringstream in{std::string(text)};
    std::string line;
    std::string record;
    while (std::getline(in, line)) {
        const std::string t(trim(line));
        if (t.empty() || t[0] == ';') continue;
        record += t + " ";
    }
    auto parsed = parse_record(record, absolute_name(zone));
    if (!parsed.ok()) return parsed.error().context(source);
    DK_TRY(const WireName origin, wire_origin(zone));
    if (parsed->type != type_dnskey || parsed->owner != origin)
        return Error::bad_input(source + ": not a DNSKEY record for " + absolute_name(zone));
    auto key = Dnskey::from_rdata(parsed->rdata);
    if (!key.ok()) return key.error().context(source);
    return key;
}

namespace {

// The K<zone>+*.key files of dir, without ".key", sorted.
std::vector<std::string> key_file_bases(const std::string& dir, const std::string& zone) {
    std::string prefix = "k";
    prefix += lower(absolute_name(zone));
    prefix += '+';
    std::vector<std::string> bases;
    CHandle<DIR, closedir> d(opendir(dir.c_str()));
    if (!d) return bases;
    while (const dirent* e = readdir(d.get())) {
        const std::string name = e->d_name;
        if (name.size() > 4 && name.ends_with(".key") && lower(name).starts_with(prefix))
            bases.push_back(dir + "/" + name.substr(0, name.size() - 4));
    }
    std::sort(bases.begin(), bases.end());
    return bases;
}

}  // namespace

bool has_key_files(const std::string& dir, const std::string& zone) {
    return !key_file_bases(dir, zone).empty();
}

Result<KeyDirectory> load_key_directory(const std::string& dir, const std::string& zone) {
    CHandle<DIR, closedir> d(opendir(dir.c_str()));
    if (!d) return Error::bad_input(dir + ": cannot open the key directory");
    const std::vector<std::string> bases = key_file_bases(dir, zone);
    KeyDirectory out;
    for (const auto& base : bases) {
        DK_TRY(const std::string pub_text, files::read_limited(base + ".key", 64 * 1024));
        DK_TRY(Dnskey dnskey, parse_public_key(pub_text, zone, base + ".key"));
        if (std::find(out.published.begin(), out.published.end(), dnskey) == out.published.end())
            out.published.push_back(dnskey);
        const std::string priv_path = base + ".private";
        if (::access(priv_path.c_str(), F_OK) != 0) continue;  // published only
        DK_TRY(std::string priv_text, files::read_secret(priv_path, 64 * 1024));
        auto key = parse_private_key(priv_text, dnskey, priv_path);
        OPENSSL_cleanse(priv_text.data(), priv_text.size());
        if (!key.ok()) return key.error();
        out.signing.push_back(std::move(*key));
    }
    if (out.published.empty())
        return Error::bad_input(dir + ": no key files K" + lower(absolute_name(zone)) + "+*.key");
    return out;
}

std::string public_key_text(const Dnskey& key, const std::string& zone) {
    std::string out = "; This is a ";
    out += key.is_sep() ? "key-signing" : "zone-signing";
    out += " key, keyid " + std::to_string(key.tag()) + ", for " + absolute_name(zone) + "\n";
    out += absolute_name(zone) + " IN DNSKEY " + std::to_string(key.flags) + " 3 " +
           std::to_string(key.algorithm) + " " + base64(key.public_key) + "\n";
    return out;
}

Result<std::string> write_key_files(const std::string& dir, const std::string& zone,
                                    const SigningKey& key, const std::string& now_text) {
    const std::string base = dir + "/" + key_base_name(zone, key.dnskey());
    std::string secret = private_key_text(key, now_text);
    auto written = files::write_atomic(base + ".private", secret, 0600, files::Overwrite::no);
    OPENSSL_cleanse(secret.data(), secret.size());
    DK_TRY_STATUS(written);
    auto published = files::write_atomic(base + ".key", public_key_text(key.dnskey(), zone), 0644,
                                         files::Overwrite::no);
    if (!published.ok()) {
        // The .private is ours, written just now: without its .key nothing would ever use or
        // remove it.
        ::unlink((base + ".private").c_str());
        return published.error();
    }
    return base;
}

}  // namespace dk::zone::sign
