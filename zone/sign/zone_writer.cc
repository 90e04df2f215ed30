#include "zone/sign/zone_writer.h"

#include "zone/sign/record_text.h"

namespace dk::zone::sign {
namespace {

void append_rrset_text(std::string& out, const Node& node, const Rrset& rrset) {
    rrset.rdatas.for_each([&](std::string_view rdata) {
        append_record_text(out, node.name, rrset.type, rrset.ttl, rdata);
    });
    // RFC 4034 3: an RRSIG has the TTL of the RRset it covers.
    rrset.sigs.for_each([&](std::string_view sig) {
        append_record_text(out, node.name, type_rrsig, rrset.ttl, sig);
    });
}

}  // namespace

void append_node_text(std::string& out, const Node& node) {
    // The SOA leads the apex: some loaders want it as the first record of the file.
    if (const Rrset* soa = node.find(type_soa)) append_rrset_text(out, node, *soa);
    for (const auto& rrset : node.rrsets) {
        if (rrset.type != type_soa) append_rrset_text(out, node, rrset);
    }
}

std::string zone_text(const Zone& zone) {
    std::string out;
    for (const auto& n : zone.nodes) append_node_text(out, n);
    for (const auto& n : zone.nsec3_nodes) append_node_text(out, n);
    return out;
}

}  // namespace dk::zone::sign
