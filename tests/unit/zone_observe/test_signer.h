// Test helpers for DNSSEC validation: records from text, and a signing key with a fixed
// validity window, so that validation runs against a fixed clock.
#pragma once

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

#include "base/clock.h"
#include "base/ldns_handles.h"

namespace dk::zone::testing {

inline const TimePoint inception = from_unix_seconds(1'800'000'000);
inline const TimePoint expiration = inception + Seconds{7 * 86400};
inline const TimePoint during = inception + Seconds{86400};

inline ldns::RrPtr rr(const std::string& text) {
    ldns_rr* out = nullptr;
    EXPECT_EQ(ldns_rr_new_frm_str(&out, text.c_str(), 300, nullptr, nullptr), LDNS_STATUS_OK)
        << text;
    return ldns::RrPtr(out);
}

struct Signer {
    ldns::KeyPtr key;
    ldns::RrPtr dnskey;

    explicit Signer(TimePoint from = inception, TimePoint until = expiration,
                    const char* owner = "example.net.") {
        key.reset(ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256));
        ldns_key_set_flags(key.get(), LDNS_KEY_ZONE_KEY | LDNS_KEY_SEP_KEY);
        ldns_key_set_pubkey_owner(key.get(), ldns_dname_new_frm_str(owner));
        ldns_key_set_inception(key.get(), static_cast<uint32_t>(unix_seconds(from)));
        ldns_key_set_expiration(key.get(), static_cast<uint32_t>(unix_seconds(until)));
        dnskey.reset(ldns_key2rr(key.get()));
        ldns_key_set_keytag(key.get(), ldns_calc_keytag(dnskey.get()));
    }

    [[nodiscard]] ldns::RrListPtr sign(const ldns_rr_list& rrset) const {
        ldns::KeyListPtr keys(ldns_key_list_new());
        ldns_key_list_push_key(keys.get(), key.get());
        ldns::RrListPtr sigs(
            ldns_sign_public(const_cast<ldns_rr_list*>(&rrset), keys.get()));  // NOLINT
        ldns_key_list_set_key_count(keys.get(), 0);  // the list only borrowed the key
        return sigs;
    }
};

inline ldns::RrListPtr list_of(std::initializer_list<const ldns_rr*> rrs) {
    ldns::RrListPtr list(ldns_rr_list_new());
    for (const ldns_rr* r : rrs) ldns_rr_list_push_rr(list.get(), ldns_rr_clone(r));
    return list;
}

}  // namespace dk::zone::testing
