// The keys of a [[zone]] with publisher = "signed-file": where the operator's zone file is, where
// the signed one goes, how the name server is told, and how it is signed.
#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "config/parse_parts.h"

namespace dk::config {
namespace {

bool boolean(Table& t, std::string_view key, bool fallback) {
    const toml::node* node = t.node(key);
    if (node == nullptr) return fallback;
    if (auto v = node->value<bool>(); v && node->is_boolean()) return *v;
    t.problem(key, "must be true or false");
    return fallback;
}

constexpr std::string_view signed_file_keys[] = {
    "unsigned_file",           "signed_file",  "reload",       "keys_dir", "algorithm", "nsec3",
    "signature_validity_days", "refresh_days", "jitter_hours", "serial"};

}  // namespace

void refuse_signed_file_keys(Table& t) {
    for (const auto key : signed_file_keys) {
        if (t.node(key) != nullptr) t.problem(key, "only for publisher = \"signed-file\"");
    }
    for (const auto* key : dnssec_key_keys) {
        if (t.node(key) != nullptr) t.problem(key, "only for publisher = \"signed-file\"");
    }
}

SignedFileConfig parse_signed_file(Table& t) {
    SignedFileConfig s;
    s.unsigned_file = t.path("unsigned_file", true).value_or("");
    s.signed_file = t.path("signed_file", true).value_or("");
    if (!s.signed_file.empty() && s.signed_file == s.unsigned_file)
        t.problem("signed_file", "must differ from unsigned_file");
    s.reload = argv_lists(t, "reload");
    s.keys_dir = t.path("keys_dir", false);
    s.algorithm = lower(t.string("algorithm", false).value_or(s.algorithm));
    if (s.algorithm != "ecdsap256sha256" && s.algorithm != "ed25519" && s.algorithm != "rsasha256")
        t.problem("algorithm", "must be \"ecdsap256sha256\", \"ed25519\" or \"rsasha256\"");
    s.nsec3 = boolean(t, "nsec3", false);
    s.signature_validity_days =
        static_cast<int>(t.integer("signature_validity_days", 2, 365).value_or(14));
    s.refresh_days = static_cast<int>(t.integer("refresh_days", 1, 364).value_or(5));
    s.jitter_hours = static_cast<int>(t.integer("jitter_hours", 0, 24 * 364).value_or(12));
    if (s.refresh_days >= s.signature_validity_days)
        t.problem("refresh_days", "must be less than signature_validity_days");
    else if (s.jitter_hours >= (s.signature_validity_days - s.refresh_days) * 24)
        t.problem("jitter_hours", "must be less than signature_validity_days - refresh_days");
    s.serial = t.string("serial", false).value_or(s.serial);
    if (s.serial != "unixtime" && s.serial != "increment")
        t.problem("serial", "must be \"unixtime\" or \"increment\"");
    s.keys = parse_dnssec_keys(t);
    return s;
}

}  // namespace dk::config
