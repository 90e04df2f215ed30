#include "zone_sign/ldns_check.h"

#include <gtest/gtest.h>

#include "base/ldns_handles.h"
#include "zone/sign/wire.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign::testing {
namespace {

ldns::RrPtr to_ldns(std::string_view owner, std::uint16_t type, std::uint32_t ttl,
                    std::string_view rdata) {
    std::string wire(owner);
    put16(wire, type);
    put16(wire, 1);
    put32(wire, ttl);
    put16(wire, static_cast<std::uint16_t>(rdata.size()));
    wire.append(rdata);
    ldns_rr* rr = nullptr;
    std::size_t pos = 0;
    EXPECT_EQ(ldns_wire2rr(&rr, reinterpret_cast<const uint8_t*>(wire.data()), wire.size(), &pos,
                           LDNS_SECTION_ANSWER),
              LDNS_STATUS_OK);
    return ldns::RrPtr(rr);
}

ldns::RrListPtr rrset_list(const Node& node, const Rrset& rrset) {
    ldns::RrListPtr list(ldns_rr_list_new());
    rrset.rdatas.for_each([&](std::string_view r) {
        ldns_rr_list_push_rr(list.get(), to_ldns(node.name, rrset.type, rrset.ttl, r).release());
    });
    return list;
}

ldns::RrListPtr sig_list(const Node& node, const Rrset& rrset) {
    ldns::RrListPtr list(ldns_rr_list_new());
    rrset.sigs.for_each([&](std::string_view r) {
        ldns_rr_list_push_rr(list.get(), to_ldns(node.name, type_rrsig, rrset.ttl, r).release());
    });
    return list;
}

void check_node(const Node& node, const ldns_rr_list* keys, TimePoint now,
                std::vector<std::string>& problems, std::size_t& checked) {
    for (const auto& rrset : node.rrsets) {
        if (rrset.sigs.empty()) continue;
        auto rrs = rrset_list(node, rrset);
        auto sigs = sig_list(node, rrset);
        for (std::size_t i = 0; i < ldns_rr_list_rr_count(sigs.get()); ++i) {
            ldns::RrListPtr good(ldns_rr_list_new());
            const ldns_status s =
                ldns_verify_rrsig_keylist_time(rrs.get(), ldns_rr_list_rr(sigs.get(), i), keys,
                                               static_cast<time_t>(unix_seconds(now)), good.get());
            ++checked;
            if (s != LDNS_STATUS_OK) {
                problems.push_back(name_to_text(node.name) + " type " + std::to_string(rrset.type) +
                                   ": " + ldns_get_errorstr_by_id(s));
            }
            // The good-key list borrows the keys.
            ldns_rr_list_free(good.release());
        }
    }
}

}  // namespace

Zone zone_from_text(const std::string& text, const std::string& origin) {
    ReadOptions o;
    o.source = "test.zone";
    o.origin = origin;
    auto records = read_zone_text(text, o);
    EXPECT_TRUE(records.ok()) << (records.ok() ? "" : records.error().message);
    return build_zone(*wire_origin(origin),
                      records.ok() ? std::move(*records) : std::vector<Record>{});
}

std::vector<std::string> verify_with_ldns(const Zone& zone, TimePoint now, std::size_t* checked) {
    std::vector<std::string> problems;
    std::size_t count = 0;
    const Rrset* dnskey = zone.apex().find(type_dnskey);
    if (dnskey == nullptr) return {"no DNSKEY RRset"};
    auto keys = rrset_list(zone.apex(), *dnskey);
    for (const auto& n : zone.nodes) check_node(n, keys.get(), now, problems, count);
    for (const auto& n : zone.nsec3_nodes) check_node(n, keys.get(), now, problems, count);
    if (checked != nullptr) *checked = count;
    return problems;
}

KeySet two_keys(Algorithm algorithm) {
    KeySet keys;
    keys.key_signing.push_back(*SigningKey::generate(algorithm, flag_zone_key | flag_sep));
    keys.zone_signing.push_back(*SigningKey::generate(algorithm, flag_zone_key));
    return keys;
}

}  // namespace dk::zone::sign::testing
