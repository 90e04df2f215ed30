#include "zone/update_message.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace dk::zone {
namespace {

std::string type_name(ldns_rr_type type) {
    ldns::CStringPtr text(ldns_rr_type2str(type));
    return text ? std::string(text.get()) : std::to_string(type);
}

bool same_rrset(const Rrset& r, const std::string& owner, ldns_rr_type type) {
    return r.type == type && lower(r.owner) == lower(owner);
}

const Rrset* find_expected(const ZoneChange& change, const std::string& owner, ldns_rr_type type) {
    for (const auto& r : change.expected) {
        if (same_rrset(r, owner, type)) return &r;
    }
    return nullptr;
}

// Types a delta may touch: data records, not zone structure or meta types.
bool publishable(ldns_rr_type type) {
    switch (type) {
        case LDNS_RR_TYPE_SOA:
        case LDNS_RR_TYPE_NS:
        case LDNS_RR_TYPE_CNAME:
        case LDNS_RR_TYPE_DNSKEY:
        case LDNS_RR_TYPE_RRSIG:
        case LDNS_RR_TYPE_NSEC:
        case LDNS_RR_TYPE_NSEC3:
        case LDNS_RR_TYPE_NSEC3PARAM:
        case LDNS_RR_TYPE_TSIG:
        case LDNS_RR_TYPE_OPT:
        case LDNS_RR_TYPE_ANY:
        case LDNS_RR_TYPE_AXFR:
        case LDNS_RR_TYPE_IXFR:
            return false;
        default:
            return true;
    }
}

Result<ldns::RrPtr> make_rr(const std::string& owner, std::uint32_t ttl, ldns_rr_type type,
                            std::string_view rdata) {
    const std::string text =
        owner + " " + std::to_string(ttl) + " IN " + type_name(type) + " " + std::string(rdata);
    ldns_rr* rr = nullptr;
    const ldns_status s = ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr);
    ldns::RrPtr owned(rr);
    if (s != LDNS_STATUS_OK || !owned) {
        return Error::bad_input("bad " + type_name(type) + " record \"" + text +
                                "\": " + ldns_get_errorstr_by_id(s));
    }
    return owned;
}

// RFC 2136 2.4.3 "RRset does not exist": class NONE, TTL 0, no rdata.
Result<ldns::RrPtr> rrset_absent(const std::string& owner, ldns_rr_type type) {
    ldns::RrPtr rr(ldns_rr_new());
    ldns_rdf* name = ldns_dname_new_frm_str(owner.c_str());
    if (!rr || name == nullptr) return Error::bad_input("bad owner name " + owner);
    ldns_rr_set_owner(rr.get(), name);
    ldns_rr_set_type(rr.get(), type);
    ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_NONE);
    ldns_rr_set_ttl(rr.get(), 0);
    return rr;
}

// Pushes an owned RR into a list; ldns_rr_list_push_rr takes ownership despite const.
Status push(ldns_rr_list* list, ldns::RrPtr rr) {
    if (!ldns_rr_list_push_rr(list, rr.get())) return Error::environment("out of memory");
    rr.release();
    return {};
}

Status add_prerequisites(ldns_rr_list* list, const Rrset& expected) {
    if (expected.rdatas.empty()) {
        DK_TRY(ldns::RrPtr rr, rrset_absent(expected.owner, expected.type));
        return push(list, std::move(rr));
    }
    for (const auto& rdata : expected.rdatas) {  // 2.4.2: class IN, TTL 0, every RR of the set
        DK_TRY(ldns::RrPtr rr, make_rr(expected.owner, 0, expected.type, rdata));
        DK_TRY_STATUS(push(list, std::move(rr)));
    }
    return {};
}

Status add_update(ldns_rr_list* list, const RecordChange& c) {
    const bool add = c.action == ChangeAction::add;
    DK_TRY(ldns::RrPtr rr, make_rr(c.owner, add ? c.ttl : 0, c.type, c.rdata));
    if (!add) ldns_rr_set_class(rr.get(), LDNS_RR_CLASS_NONE);  // 2.5.4: delete this RR only
    return push(list, std::move(rr));
}

Status check_change(const ZoneChange& change, const RecordChange& c) {
    DK_TRY(std::string owner, absolute_owner(c.owner, change.zone));
    if (!publishable(c.type)) {
        return Error::bad_input("danekeeper does not change " + type_name(c.type) + " records");
    }
    if (find_expected(change, c.owner, c.type) == nullptr) {
        return Error::bad_input("no observed " + type_name(c.type) + " RRset at " + c.owner +
                                " to guard the change");
    }
    return {};
}

}  // namespace

std::optional<ldns_rr_type> rr_type_by_name(const std::string& name) {
    const ldns_rr_type type = ldns_get_rr_type_by_name(name.c_str());
    if (type == 0) return std::nullopt;
    return type;
}

std::string rr_type_name(ldns_rr_type type) {
    ldns::CStringPtr text(ldns_rr_type2str(type));
    return text ? std::string(text.get()) : std::to_string(type);
}

Result<std::string> canonical_rdata(ldns_rr_type type, std::string_view rdata) {
    DK_TRY(ldns::RrPtr rr, make_rr("canonical.invalid.", 0, type, rdata));
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        ldns::CStringPtr field(ldns_rdf2str(ldns_rr_rdf(rr.get(), i)));
        if (!field) return Error::bad_input("cannot print rdata field");
        if (!out.empty()) out += ' ';
        // Character strings (TXT) keep their case; hex and names compare case-insensitively.
        const bool text = ldns_rdf_get_type(ldns_rr_rdf(rr.get(), i)) == LDNS_RDF_TYPE_STR;
        out += text ? std::string(field.get()) : lower(field.get());
    }
    return out;
}

Result<std::string> absolute_owner(std::string_view name, const std::string& zone) {
    std::string owner = lower(std::string(name));
    const std::string apex = lower(zone);
    if (owner == "@")
        owner = apex;
    else if (owner.empty() || owner.back() != '.')
        owner += "." + apex;
    ldns::RdfPtr owner_rdf(ldns_dname_new_frm_str(owner.c_str()));
    ldns::RdfPtr zone_rdf(ldns_dname_new_frm_str(apex.c_str()));
    if (!owner_rdf || !zone_rdf)
        return Error::bad_input("bad owner name \"" + std::string(name) + "\"");
    if (ldns_dname_compare(owner_rdf.get(), zone_rdf.get()) != 0 &&
        !ldns_dname_is_subdomain(owner_rdf.get(), zone_rdf.get())) {
        return Error::bad_input("owner " + owner + " is outside zone " + apex);
    }
    return owner;
}

Rrset apply_to(const Rrset& expected, const std::vector<RecordChange>& changes) {
    Rrset out = expected;
    for (const auto& c : changes) {
        if (!same_rrset(expected, c.owner, c.type)) continue;
        auto it = std::find(out.rdatas.begin(), out.rdatas.end(), c.rdata);
        if (c.action == ChangeAction::add && it == out.rdatas.end()) out.rdatas.push_back(c.rdata);
        if (c.action == ChangeAction::remove && it != out.rdatas.end()) out.rdatas.erase(it);
    }
    return out;
}

Result<ZoneChange> minimal_delta(const ZoneChange& change) {
    ZoneChange out{change.zone, {}, {}};
    for (const auto& c : change.changes) {
        DK_TRY_STATUS(check_change(change, c));
        RecordChange canonical = c;
        DK_TRY(canonical.rdata, canonical_rdata(c.type, c.rdata));
        const Rrset* seen = find_expected(change, c.owner, c.type);
        const bool present = std::find(seen->rdatas.begin(), seen->rdatas.end(), canonical.rdata) !=
                             seen->rdatas.end();
        if ((c.action == ChangeAction::add) == present) continue;  // already so
        out.changes.push_back(std::move(canonical));
        if (find_expected(out, c.owner, c.type) == nullptr) out.expected.push_back(*seen);
    }
    return out;
}

Result<ldns::PktPtr> build_update(const ZoneChange& change) {
    ldns::RrListPtr prerequisites(ldns_rr_list_new());
    ldns::RrListPtr updates(ldns_rr_list_new());
    if (!prerequisites || !updates) return Error::environment("out of memory");
    for (const auto& c : change.changes) {
        DK_TRY_STATUS(check_change(change, c));
        DK_TRY_STATUS(add_update(updates.get(), c));
    }
    for (const auto& expected : change.expected) {
        DK_TRY_STATUS(add_prerequisites(prerequisites.get(), expected));
    }
    ldns::RdfPtr zone(ldns_dname_new_frm_str(change.zone.c_str()));
    if (!zone) return Error::bad_input("bad zone name " + change.zone);
    ldns::PktPtr pkt(ldns_update_pkt_new(zone.get(), LDNS_RR_CLASS_IN, prerequisites.get(),
                                         updates.get(), nullptr));
    if (!pkt) return Error::environment("cannot build the UPDATE message");
    zone.release();  // taken by the packet on success; the RR lists were cloned
    return pkt;
}

}  // namespace dk::zone
