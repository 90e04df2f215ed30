// The rollover timings of RFC 7583, as small pure functions. Propagation delays are not guessed:
// every interval starts at the moment the shell saw the change at EVERY server (the child's
// authoritative servers, or the parent's for DS), so the measured delay replaces Dprp.
#pragma once

#include "base/clock.h"

namespace dk::zone::dnssec_keys {

// TTLs of the zone as it is signed, and the operator's safety margins.
struct ZoneTtls {
    Seconds dnskey_ttl{3600};    // TTLkey
    Seconds max_zone_ttl{3600};  // the longest TTL of any signed RRset (TTLsig)
    Seconds negative_ttl{3600};  // min(SOA TTL, SOA MINIMUM): NSEC/NSEC3 and cached denials
};

struct KeyPolicy {
    // The zone's configured values (service::key_policy_for); their defaults live in the
    // configuration schema (config/schema.h) only, so a policy must be given them.
    std::uint8_t algorithm = 0;  // for new keys: 8, 13 or 15
    Seconds zsk_lifetime{};      // 0: only on request
    Seconds ksk_lifetime{};      // 0: only on request
    Seconds publish_safety{};    // added to every introduction wait
    Seconds retire_safety{};     // added to every withdrawal wait
    Seconds default_ds_ttl{};    // DS TTL when no parent server shows ours
    Seconds poll{60};            // look again this soon while servers catch up
    Seconds recheck{86400};      // steady state: look again this often
};

// ZSK pre-publication (RFC 7583 3.2.1): the new ZSK may sign once the DNSKEY RRset that holds it
// has been at every server for TTLkey: Ipub = Dprp + TTLkey (+ safety).
TimePoint zsk_may_sign_at(TimePoint seen_everywhere, const ZoneTtls& ttls, const KeyPolicy& p);

// The old ZSK may leave the DNSKEY RRset once the zone without its signatures has been at every
// server for TTLsig: Iret = Dsgn + Dprp + TTLsig. Dsgn is 0 (the signer replaces every signature
// of a key that stopped signing at once); TTLsig covers cached denials too.
TimePoint zsk_may_go_at(TimePoint seen_everywhere, const ZoneTtls& ttls, const KeyPolicy& p);

// Double-DS (RFC 7583 3.3.2): the KSK may switch once the new DS has been at every parent
// server for the DS TTL: Ipub = DprpP + TTLds (+ safety).
TimePoint ksk_may_switch_at(TimePoint ds_seen_everywhere, Seconds ds_ttl, const KeyPolicy& p);

// The old DS may be withdrawn once the DNSKEY RRset with only the new KSK has been at every
// server for TTLkey: Iret = Dprp + TTLkey (+ safety).
TimePoint old_ds_may_go_at(TimePoint seen_everywhere, const ZoneTtls& ttls, const KeyPolicy& p);

}  // namespace dk::zone::dnssec_keys
