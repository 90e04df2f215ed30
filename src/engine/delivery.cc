#include "engine/delivery.h"

namespace dk::engine {
namespace {

std::string short_hex(const Bytes& spki) {
    return to_hex(spki).substr(0, 16);
}

DeliveryDecision refuse(std::string reason, std::string key_id = {}) {
    return {DeliveryVerdict::refuse, std::move(key_id), std::move(reason)};
}

// A stored certificate valid beyond the bound (adopted, or taken before the bound existed) is not
// one an offered certificate must outlast: otherwise it would block every renewal until it ends.
bool beyond_bound(TimePoint stored_not_after, TimePoint now) {
    return stored_not_after > now + longest_certificate_life;
}

std::string beyond_note(const std::optional<TimePoint>& stored, TimePoint now) {
    if (!stored || !beyond_bound(*stored, now)) return "";
    return " (the stored certificate, valid until " + iso_time(*stored) +
           ", is beyond the bound and no longer holds it back)";
}

DeliveryDecision for_current(const SlotState& s, const OfferedChain& offered, TimePoint now) {
    const SlotKey& key = *s.current;
    // The newest certificate the slot already has for this key, served or waiting to be.
    std::optional<TimePoint> have = s.current_cert_not_after;
    if (s.renewal_cert_not_after && (!have || *s.renewal_cert_not_after > *have))
        have = s.renewal_cert_not_after;
    if (have && offered.not_after == *have) {
        return {DeliveryVerdict::already_have, key.id,
                "the current key's certificate with this expiry is already stored"};
    }
    if (have && offered.not_after < *have && !beyond_bound(*have, now)) {
        return refuse("the certificate expires " + iso_time(offered.not_after) +
                          ", before the one the slot already has (" + iso_time(*have) + ")",
                      key.id);
    }
    if (s.phase == Phase::rolling && s.next_deployed) {
        return refuse(
            "the slot is switching to its next key; a renewal of the current key "
            "would undo the switch",
            key.id);
    }
    return {DeliveryVerdict::renew_current, key.id,
            "renewal of the current key " + key.id + beyond_note(have, now)};
}

DeliveryDecision for_next(const SlotState& s, const OfferedChain& offered, TimePoint now) {
    const SlotKey& key = *s.next;
    if (!key.published_at) {
        return refuse("the next key " + key.id +
                          " is not yet published and validated at every authoritative server",
                      key.id);
    }
    if (s.next_cert_not_after && offered.not_after == *s.next_cert_not_after) {
        return {DeliveryVerdict::already_have, key.id,
                "the next key's certificate with this expiry is already stored"};
    }
    if (s.next_cert_not_after && offered.not_after < *s.next_cert_not_after &&
        !beyond_bound(*s.next_cert_not_after, now)) {
        return refuse("the certificate expires " + iso_time(offered.not_after) +
                          ", before the one stored for the next key (" +
                          iso_time(*s.next_cert_not_after) + ")",
                      key.id);
    }
    if (s.next_deployed) {
        return refuse("the next key is being deployed; its certificate cannot change midway",
                      key.id);
    }
    return {DeliveryVerdict::for_next, key.id,
            "certificate for the next key " + key.id + ", kept for the switch" +
                beyond_note(s.next_cert_not_after, now)};
}

}  // namespace

DeliveryDecision decide_delivery(const SlotState& state, const OfferedChain& offered,
                                 TimePoint now) {
    if (offered.leaf_spki_sha256.size() != 32) return refuse("no SPKI digest for the offered key");
    if (state.current && offered.leaf_spki_sha256 == state.current->spki_sha256)
        return for_current(state, offered, now);
    if (state.next && offered.leaf_spki_sha256 == state.next->spki_sha256)
        return for_next(state, offered, now);
    std::string known = state.current ? "current " + short_hex(state.current->spki_sha256) : "";
    if (state.next)
        known += (known.empty() ? "" : ", ") + ("next " + short_hex(state.next->spki_sha256));
    return refuse("the key (SPKI " + short_hex(offered.leaf_spki_sha256) +
                  ") is neither the slot's current nor its published next key (" + known +
                  "): no TLSA record would match it");
}

}  // namespace dk::engine
