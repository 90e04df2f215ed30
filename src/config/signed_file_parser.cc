// The keys of a [[zone]] with publisher = "signed-file": where the operator's zone file is, where
// the signed one goes, how the name server is told, and how it is signed.
#include <algorithm>
#include <cctype>

#include "base/strings.h"
#include "config/parse_parts.h"

namespace dk::config {

void refuse_signed_file_keys(Table& t) {
    for (const auto& key : schema::keys) {
        const bool signed_file_only =
            key.only == schema::Only::signed_file || key.only == schema::Only::managed_keys;
        if (key.section == "zone" && signed_file_only && t.node(key.name) != nullptr)
            t.problem(key.name, "only for publisher = \"signed-file\"");
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
    t.check_choice("algorithm", s.algorithm);
    s.nsec3 = t.boolean("nsec3");
    s.signature_validity_days = static_cast<int>(t.integer("signature_validity_days"));
    s.refresh_days = static_cast<int>(t.integer("refresh_days"));
    s.jitter_hours = static_cast<int>(t.integer("jitter_hours"));
    if (s.refresh_days >= s.signature_validity_days)
        t.problem("refresh_days", "must be less than signature_validity_days");
    else if (s.jitter_hours >= (s.signature_validity_days - s.refresh_days) * 24)
        t.problem("jitter_hours", "must be less than signature_validity_days - refresh_days");
    s.serial = t.choice("serial");
    s.keys = parse_dnssec_keys(t);
    return s;
}

}  // namespace dk::config
