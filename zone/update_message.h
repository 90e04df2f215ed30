// The RFC 2136 UPDATE message for a minimal delta, guarded by prerequisites.
//
// Every touched RRset (owner + type) must come with what was last observed there. The
// prerequisite section then says "this RRset is exactly what we saw" (RFC 2136 2.4.2, value
// dependent) or "this RRset does not exist" (2.4.3) when it was empty, so a concurrent change by
// anyone else makes the server refuse the whole update (NXRRSET/YXRRSET) instead of us
// overwriting it. Records are only ever added one by one (2.5.1) or deleted one by one (class
// NONE, 2.5.4): never a whole RRset or name.
#pragma once

#include <cstdint>
#include <optional>  // before ldns: its bool macro breaks <optional> if included later
#include <string>
#include <string_view>
#include <vector>

#include "base/ldns_handles.h"
#include "base/result.h"

namespace dk::zone {

enum class ChangeAction { add, remove };

struct RecordChange {
    ChangeAction action = ChangeAction::add;
    std::string owner;  // absolute, with the trailing dot
    ldns_rr_type type = LDNS_RR_TYPE_TLSA;
    std::uint32_t ttl = 0;  // for adds
    std::string rdata;      // presentation format, e.g. "3 1 1 ab12..."
};

// One RRset as observed at the primary; empty rdatas = the RRset does not exist.
struct Rrset {
    std::string owner;  // absolute, with the trailing dot
    ldns_rr_type type = LDNS_RR_TYPE_TLSA;
    std::uint32_t ttl = 0;
    std::vector<std::string> rdatas;  // canonical presentation (see canonical_rdata)
};

struct ZoneChange {
    std::string zone;  // absolute, with the trailing dot
    std::vector<RecordChange> changes;
    std::vector<Rrset> expected;  // the current RRset of every touched owner + type
    // The shared TLSA owner's link (zone/shared_owner.h): CNAME records may be added here, and
    // only here; every other change refuses them.
    bool links_alias = false;
};

// A change the publishers may make: the owner a domain name inside `zone` (no zone-file
// syntax in it), a data type (never zone structure, CNAME or DNAME), and rdata that reads as
// exactly one record of that type. Every record we build comes from these typed fields.
Status check_record_change(const std::string& zone, const RecordChange& change);

// The RR type a mnemonic names ("TLSA", "txt", "TYPE52"); nullopt for none.
std::optional<ldns_rr_type> rr_type_by_name(const std::string& name);

// "TLSA" for the TLSA type; a type without a mnemonic as its number.
std::string rr_type_name(ldns_rr_type type);

// "3 1 1 ABCD" -> "3 1 1 abcd": the form ldns prints, so texts compare as records do.
Result<std::string> canonical_rdata(ldns_rr_type type, std::string_view rdata);

// One TXT character-string holding `value` byte for byte (at most 255 bytes), in the
// presentation form ldns prints: quoted, with quotes, backslashes and unprintable bytes
// escaped, so whatever the value holds it reads back as this one string and nothing else.
Result<std::string> txt_character_string(std::string_view value);

// A TXT record's data of several character-strings (each at most 255 bytes), in that form.
Result<std::string> txt_rdata(const std::vector<std::string>& strings);

// The bytes of a TXT record's character-strings joined without separators, as a TXT record's
// reader (RFC 8460, RFC 7208) takes them; `rdata` in presentation form.
Result<std::string> txt_joined(std::string_view rdata);

// Makes `name` absolute: relative names are taken relative to `zone`; "@" is the apex.
// Refuses names outside the zone.
Result<std::string> absolute_owner(std::string_view name, const std::string& zone);

// The RRset `expected` turns into once `changes` are applied (the same owner + type only).
Rrset apply_to(const Rrset& expected, const std::vector<RecordChange>& changes);

// Drops adds of records already present and removes of records absent: what is left is the
// delta the server has to do. Fails when a change has no observed RRset to guard it.
Result<ZoneChange> minimal_delta(const ZoneChange& change);

// Builds the UPDATE message (ID 0; the transport sets it and signs). Checks every owner is in
// the zone and every touched RRset has its expected state.
Result<ldns::PktPtr> build_update(const ZoneChange& change);

// The size of a built message on the wire, unsigned (TSIG adds its RR to it).
Result<std::size_t> wire_size(const ldns_pkt& pkt);

// Larger UPDATE messages go over TCP (RFC 1035 4.2.1: 512 bytes over UDP without EDNS).
inline constexpr std::size_t max_udp_update_bytes = 512;

}  // namespace dk::zone
