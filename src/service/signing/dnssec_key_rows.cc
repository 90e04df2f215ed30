#include "service/signing/dnssec_key_rows.h"

#include "base/hex.h"

namespace dk::service {
namespace {

using zone::dnssec_keys::KeyRecord;

std::optional<long long> seconds(const std::optional<TimePoint>& t) {
    if (!t) return std::nullopt;
    return unix_seconds(*t);
}

std::optional<std::string> text_of(const std::optional<MonotonicMark>& mark) {
    if (!mark) return std::nullopt;
    return mark_text(*mark);
}

Result<std::optional<MonotonicMark>> mark_of(const std::optional<std::string>& text,
                                             const std::string& where, const char* field) {
    if (!text) return std::optional<MonotonicMark>{};
    auto mark = parse_mark(*text);
    if (!mark) return Error::bad_input(where + ": " + field + ": not a monotonic mark");
    return std::optional<MonotonicMark>{std::move(*mark)};
}

std::optional<TimePoint> time_of(const std::optional<long long>& s) {
    if (!s) return std::nullopt;
    return from_unix_seconds(*s);
}

}  // namespace

db::DnssecKeyRow to_row(const std::string& zone, const KeyRecord& k) {
    db::DnssecKeyRow r;
    r.zone = zone;
    r.tag = k.tag;
    r.algorithm = k.algorithm;
    r.role = std::string(role_name(k.role));
    r.state = std::string(state_name(k.state));
    r.dnskey_hex =
        to_hex(reinterpret_cast<const std::uint8_t*>(k.dnskey_rdata.data()), k.dnskey_rdata.size());
    r.created = unix_seconds(k.created);
    r.activated = seconds(k.activated);
    r.state_since = unix_seconds(k.state_since);
    if (k.state_serial) r.state_serial = *k.state_serial;
    r.state_seen = seconds(k.state_seen);
    r.ds_seen = seconds(k.ds_seen);
    r.ds_gone = seconds(k.ds_gone);
    r.roll_requested = k.roll_requested;
    r.state_seen_mono = text_of(k.state_seen_mono);
    r.ds_seen_mono = text_of(k.ds_seen_mono);
    return r;
}

Result<KeyRecord> from_row(const db::DnssecKeyRow& r) {
    const std::string where = "state database: dnssec key " + r.zone + " " + std::to_string(r.tag);
    const auto role = zone::dnssec_keys::parse_role(r.role);
    const auto state = zone::dnssec_keys::parse_state(r.state);
    const auto dnskey = from_hex(r.dnskey_hex);
    if (!role) return Error::bad_input(where + ": role: unknown value '" + r.role + "'");
    if (!state) return Error::bad_input(where + ": state: unknown value '" + r.state + "'");
    if (!dnskey || dnskey->size() < 5)
        return Error::bad_input(where + ": dnskey: not a DNSKEY RDATA in hex");
    if (r.tag < 0 || r.tag > 0xffff || r.algorithm < 0 || r.algorithm > 0xff)
        return Error::bad_input(where + ": tag or algorithm out of range");
    KeyRecord k;
    k.tag = static_cast<std::uint16_t>(r.tag);
    k.algorithm = static_cast<std::uint8_t>(r.algorithm);
    k.role = *role;
    k.state = *state;
    k.dnskey_rdata.assign(dnskey->begin(), dnskey->end());
    k.created = from_unix_seconds(r.created);
    k.activated = time_of(r.activated);
    k.state_since = from_unix_seconds(r.state_since);
    if (r.state_serial) k.state_serial = static_cast<std::uint32_t>(*r.state_serial);
    k.state_seen = time_of(r.state_seen);
    k.ds_seen = time_of(r.ds_seen);
    k.ds_gone = time_of(r.ds_gone);
    k.roll_requested = r.roll_requested;
    DK_TRY(k.state_seen_mono, mark_of(r.state_seen_mono, where, "state_seen_mono"));
    DK_TRY(k.ds_seen_mono, mark_of(r.ds_seen_mono, where, "ds_seen_mono"));
    return k;
}

Result<zone::dnssec_keys::ZoneKeys> load_zone_keys(db::Store& store, const std::string& zone) {
    DK_TRY(const auto rows, store.dnssec_keys(zone));
    zone::dnssec_keys::ZoneKeys keys;
    keys.zone = zone;
    for (const auto& row : rows) {
        DK_TRY(auto k, from_row(row));
        keys.keys.push_back(std::move(k));
    }
    return keys;
}

Status save_zone_keys(db::Store& store, const zone::dnssec_keys::ZoneKeys& keys, TimePoint at,
                      const std::string& kind, const std::string& details,
                      std::optional<std::uint32_t> serial) {
    std::vector<db::DnssecKeyRow> rows;
    rows.reserve(keys.keys.size());
    for (const auto& k : keys.keys) rows.push_back(to_row(keys.zone, k));
    db::Event event{.at = at, .slot = "", .kind = kind, .details = details};
    event.zone = keys.zone;
    event.serial = serial;
    return store.save_dnssec_keys(keys.zone, rows, event);
}

}  // namespace dk::service
