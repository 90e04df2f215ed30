// What danekeeper remembers about each DNSSEC key of a zone: its role, where it is in its life
// and the moments that the rollover timings count from. The key material itself lives in BIND
// key files (key_store.h); this record is small, public and persisted with every step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/elapsed.h"
#include "zone/resolver/serial.h"  // state_serial is compared in serial arithmetic

namespace dk::zone::dnssec_keys {

enum class Role { ksk, zsk };

// A key's life (RFC 7583 terms). Which RRsets carry the key follows from the state (and for
// `retired`, from the role): see in_dnskey, signs and in_cds below.
enum class KeyState {
    generated,     // files exist; nothing is published
    awaiting_ds,   // KSK, double-DS: its CDS/CDNSKEY are published and its DS is awaited at the
                   // parent; not in the DNSKEY RRset yet
    published,     // ZSK, pre-publication: in the DNSKEY RRset, not signing yet
    active,        // in the DNSKEY RRset and signing (ZSK: the zone; KSK: DNSKEY, CDS, CDNSKEY)
    retired,       // ZSK: still in the DNSKEY RRset (its signatures may be cached), not signing;
                   // KSK: out of the DNSKEY RRset, its DS still kept at the parent (CDS lists it)
    ds_withdrawn,  // KSK: CDS no longer lists it; its DS is leaving the parent's servers
    removed,       // in nothing we publish; kept for the record
};

struct KeyRecord {
    std::uint16_t tag = 0;
    std::uint8_t algorithm = 13;
    Role role = Role::zsk;
    KeyState state = KeyState::generated;
    std::string dnskey_rdata;  // wire RDATA (public): DNSKEY, DS and CDS are made from it
    TimePoint created{};
    std::optional<TimePoint> activated;  // first became active: its age counts from here
    TimePoint state_since{};             // when its current state was decided
    // The first serial signed with the key in its current state, and when every authoritative
    // server first served that serial (or a later one) showing the key as the state says.
    std::optional<std::uint32_t> state_serial;
    std::optional<TimePoint> state_seen;
    // KSK: when its DS was first seen at every server of the parent zone, and when first at none.
    std::optional<TimePoint> ds_seen;
    std::optional<TimePoint> ds_gone;
    // The monotonic time counted since state_seen and since ds_seen (base/elapsed.h): the waits
    // that start there need it too, so a wall clock set forward cannot end them early. Brought
    // up to date while such a wait runs.
    std::optional<MonotonicMark> state_seen_mono;
    std::optional<MonotonicMark> ds_seen_mono;
    bool roll_requested = false;  // the operator asked to replace this key

    friend bool operator==(const KeyRecord&, const KeyRecord&) = default;
};

// The keys of one zone, as persisted.
struct ZoneKeys {
    std::string zone;  // absolute, lower case: "example.test."
    std::vector<KeyRecord> keys;

    friend bool operator==(const ZoneKeys&, const ZoneKeys&) = default;
};

[[nodiscard]] bool in_dnskey(const KeyRecord& k);  // the DNSKEY RRset carries it
[[nodiscard]] bool signs(const KeyRecord& k);      // it makes signatures
[[nodiscard]] bool in_cds(const KeyRecord& k);     // CDS/CDNSKEY list it (KSK only)

std::string_view role_name(Role r);       // "ksk", "zsk"
std::string_view state_name(KeyState s);  // "generated", "awaiting_ds", ...
std::optional<Role> parse_role(std::string_view text);
std::optional<KeyState> parse_state(std::string_view text);

// "zsk 12345 (13)" for logs and messages.
std::string describe(const KeyRecord& k);

}  // namespace dk::zone::dnssec_keys
