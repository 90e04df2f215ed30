#include "zone/dnssec_keys/transitions.h"

namespace dk::zone::dnssec_keys {

KeyRecord new_key_record(std::uint16_t tag, std::uint8_t algorithm, Role role,
                         std::string dnskey_rdata, TimePoint now) {
    KeyRecord k;
    k.tag = tag;
    k.algorithm = algorithm;
    k.role = role;
    k.state = KeyState::generated;
    k.dnskey_rdata = std::move(dnskey_rdata);
    k.created = now;
    k.state_since = now;
    return k;
}

ZoneKeys with_new_key(ZoneKeys observed, KeyRecord made) {
    observed.keys.push_back(std::move(made));
    return observed;
}

ZoneKeys commit_signed(ZoneKeys next, std::uint32_t serial) {
    for (auto& k : next.keys) {
        if (k.state != KeyState::generated && !k.state_serial) k.state_serial = serial;
    }
    return next;
}

bool request_rollover(ZoneKeys& keys, Role role) {
    bool found = false;
    for (auto& k : keys.keys) {
        if (k.role == role && k.state == KeyState::active) {
            k.roll_requested = true;
            found = true;
        }
    }
    return found;
}

}  // namespace dk::zone::dnssec_keys
