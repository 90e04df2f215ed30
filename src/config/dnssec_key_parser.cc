// The keys of a signed-file [[zone]] that shape danekeeper's own DNSSEC key management (used when
// keys_dir is not set): the rollover timings.
#include "config/parse_parts.h"

namespace dk::config {

DnssecKeyConfig parse_dnssec_keys(Table& t) {
    DnssecKeyConfig k;
    k.zsk_lifetime_days = static_cast<int>(t.integer("zsk_lifetime_days"));
    k.ksk_lifetime_days = static_cast<int>(t.integer("ksk_lifetime_days"));
    k.publish_safety_seconds = static_cast<int>(t.integer("key_publish_safety_seconds"));
    k.retire_safety_seconds = static_cast<int>(t.integer("key_retire_safety_seconds"));
    k.ds_ttl = static_cast<int>(t.integer("ds_ttl"));
    if (t.node("keys_dir") != nullptr) {
        for (const auto& key : schema::keys) {
            if (key.section == "zone" && key.only == schema::Only::managed_keys &&
                t.node(key.name) != nullptr)
                t.problem(key.name, "only when danekeeper manages the keys (no keys_dir)");
        }
    }
    return k;
}

}  // namespace dk::config
