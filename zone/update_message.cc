#include "zone/update_message.h"

#include <algorithm>
#include <cctype>

#include "base/strings.h"

namespace dk::zone {
namespace {

bool same_rrset(const Rrset& r, const std::string& owner, ldns_rr_type type) {
    return r.type == type && lower(r.owner) == lower(owner);
}

const Rrset* find_expected(const ZoneChange& change, const std::string& owner, ldns_rr_type type) {
    for (const auto& r : change.expected) {
        if (same_rrset(r, owner, type)) return &r;
    }
    return nullptr;
}

// Types a delta may touch: data records, not zone structure, aliases or meta types.
bool publishable(ldns_rr_type type) {
    switch (type) {
        case LDNS_RR_TYPE_SOA:
        case LDNS_RR_TYPE_NS:
        case LDNS_RR_TYPE_CNAME:
        case LDNS_RR_TYPE_DNAME:
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

// Hostile text in an error message: bytes outside printable ASCII as \DDD (zone-file style).
std::string escaped(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 300)) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u >= 0x7f) {
            const std::string digits = std::to_string(u);
            out += "\\" + std::string(3 - digits.size(), '0') + digits;
        } else {
            out += c;
        }
    }
    return out;
}

// A name as one typed field. Zone-file syntax never reaches the parser: a space, a control
// byte or any of ;"() would end the name or start a comment in a record line, so a name
// holding one is refused rather than escaped (no owner we manage needs them).
Result<ldns::RdfPtr> domain_name(std::string_view text) {
    const bool plain =
        !text.empty() && text.size() <= 1024 && std::all_of(text.begin(), text.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u > 0x20 && u < 0x7f &&
                   std::string_view(";\"()").find(c) == std::string_view::npos;
        });
    ldns::RdfPtr name(plain ? ldns_dname_new_frm_str(std::string(text).c_str()) : nullptr);
    if (!name) return Error::bad_input("\"" + escaped(text) + "\" is not a domain name");
    return name;
}

// Only the rdata is read from text, after a fixed owner and our type; what ldns parsed must be
// exactly one record of that type at that owner, so no rdata text can add or change a record.
Result<ldns::RrPtr> parse_rdata(ldns_rr_type type, std::string_view rdata) {
    constexpr std::string_view placeholder = "rdata.invalid.";
    const bool one_line = std::none_of(rdata.begin(), rdata.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
    if (!one_line)
        return Error::bad_input(rr_type_name(type) + " data \"" + escaped(rdata) +
                                "\" holds a control byte");
    const std::string line =
        std::string(placeholder) + " 0 IN " + rr_type_name(type) + " " + std::string(rdata);
    ldns_rr* parsed = nullptr;
    const ldns_status s = ldns_rr_new_frm_str(&parsed, line.c_str(), 0, nullptr, nullptr);
    ldns::RrPtr rr(parsed);
    if (s != LDNS_STATUS_OK || !rr)
        return Error::bad_input("bad " + rr_type_name(type) + " data \"" + escaped(rdata) +
                                "\": " + ldns_get_errorstr_by_id(s));
    ldns::RdfPtr expected_owner(ldns_dname_new_frm_str(placeholder.data()));
    if (ldns_rr_get_type(rr.get()) != type || ldns_rr_get_class(rr.get()) != LDNS_RR_CLASS_IN ||
        !expected_owner || ldns_dname_compare(ldns_rr_owner(rr.get()), expected_owner.get()) != 0)
        return Error::bad_input("\"" + escaped(rdata) + "\" does not read as " +
                                rr_type_name(type) + " data");
    return rr;
}

// A record from typed fields: the owner a parsed name, class IN, the TTL, the checked rdata.
Result<ldns::RrPtr> make_rr(const std::string& owner, std::uint32_t ttl, ldns_rr_type type,
                            std::string_view rdata) {
    DK_TRY(ldns::RdfPtr name, domain_name(owner));
    DK_TRY(ldns::RrPtr rr, parse_rdata(type, rdata));
    ldns_rdf_deep_free(ldns_rr_owner(rr.get()));
    ldns_rr_set_owner(rr.get(), name.release());
    ldns_rr_set_ttl(rr.get(), ttl);
    return rr;
}

// RFC 2136 2.4.3 "RRset does not exist": class NONE, TTL 0, no rdata.
Result<ldns::RrPtr> rrset_absent(const std::string& owner, ldns_rr_type type) {
    DK_TRY(ldns::RdfPtr name, domain_name(owner));
    ldns::RrPtr rr(ldns_rr_new());
    if (!rr) return Error::environment("out of memory");
    ldns_rr_set_owner(rr.get(), name.release());
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
    if (change.links_alias && c.type == LDNS_RR_TYPE_CNAME) {
        DK_TRY(std::string owner, absolute_owner(c.owner, change.zone));
        DK_TRY(ldns::RrPtr record, make_rr(c.owner, c.ttl, c.type, c.rdata));
    } else {
        DK_TRY_STATUS(check_record_change(change.zone, c));
    }
    if (find_expected(change, c.owner, c.type) == nullptr) {
        return Error::bad_input("no observed " + rr_type_name(c.type) + " RRset at " + c.owner +
                                " to guard the change");
    }
    return {};
}

}  // namespace

Status check_record_change(const std::string& zone, const RecordChange& c) {
    DK_TRY(std::string owner, absolute_owner(c.owner, zone));
    if (!publishable(c.type)) {
        return Error::bad_input("danekeeper does not change " + rr_type_name(c.type) + " records");
    }
    DK_TRY(ldns::RrPtr record, make_rr(c.owner, c.ttl, c.type, c.rdata));
    return {};
}

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
    DK_TRY(ldns::RrPtr rr, parse_rdata(type, rdata));
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

Result<std::string> txt_character_string(std::string_view value) {
    if (value.size() > 255)
        return Error::bad_input("a TXT string holds at most 255 bytes, not " +
                                std::to_string(value.size()));
    std::vector<std::uint8_t> wire;
    wire.reserve(value.size() + 1);
    wire.push_back(static_cast<std::uint8_t>(value.size()));
    wire.insert(wire.end(), value.begin(), value.end());
    ldns::RdfPtr field(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_STR, wire.size(), wire.data()));
    if (!field) return Error::environment("out of memory");
    ldns::CStringPtr text(ldns_rdf2str(field.get()));
    if (!text) return Error::environment("out of memory");
    return std::string(text.get());
}

Result<std::string> txt_rdata(const std::vector<std::string>& strings) {
    std::string out;
    for (const auto& s : strings) {
        DK_TRY(std::string one, txt_character_string(s));
        if (!out.empty()) out += ' ';
        out += one;
    }
    return out;
}

Result<std::string> txt_joined(std::string_view rdata) {
    DK_TRY(ldns::RrPtr rr, parse_rdata(LDNS_RR_TYPE_TXT, rdata));
    std::string out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        const ldns_rdf* field = ldns_rr_rdf(rr.get(), i);
        const std::size_t size = ldns_rdf_size(field);
        if (ldns_rdf_get_type(field) != LDNS_RDF_TYPE_STR || size == 0) continue;
        // Wire form: one length byte, then the string.
        out.append(reinterpret_cast<const char*>(ldns_rdf_data(field)) + 1, size - 1);
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
    auto owner_rdf = domain_name(owner);
    if (!owner_rdf.ok())
        return Error::bad_input("owner name \"" + escaped(name) + "\" is not a domain name");
    DK_TRY(ldns::RdfPtr zone_rdf, domain_name(apex));
    if (ldns_dname_compare(owner_rdf->get(), zone_rdf.get()) != 0 &&
        !ldns_dname_is_subdomain(owner_rdf->get(), zone_rdf.get())) {
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
    ZoneChange out{change.zone, {}, {}, change.links_alias};
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

Result<std::size_t> wire_size(const ldns_pkt& pkt) {
    std::uint8_t* data = nullptr;
    std::size_t size = 0;
    const ldns_status status = ldns_pkt2wire(&data, &pkt, &size);
    LDNS_FREE(data);
    if (status != LDNS_STATUS_OK) return Error::bad_input("cannot encode the DNS message");
    return size;
}

}  // namespace dk::zone
