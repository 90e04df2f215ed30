#include "zone/sign/signed_zone.h"

#include "zone/sign/wire.h"

namespace dk::zone::sign {

Zone signed_zone_from(WireName origin, std::vector<Record> records) {
    Zone zone = build_zone(std::move(origin), std::move(records));
    std::vector<Node> data;
    data.reserve(zone.nodes.size());
    for (auto& node : zone.nodes) {
        if (const Rrset* sigs = node.find(type_rrsig)) {
            const BlobList all = sigs->rdatas;
            node.remove(type_rrsig);
            all.for_each([&](std::string_view sig) {
                if (sig.size() < 2) return;
                if (Rrset* covered = node.find(get16(sig, 0))) covered->sigs.push_back(sig);
            });
        }
        const bool hashed = node.rrsets.size() == 1 && node.rrsets[0].type == type_nsec3;
        (hashed ? zone.nsec3_nodes : data).push_back(std::move(node));
    }
    zone.nodes = std::move(data);
    return zone;
}

Result<Zone> read_signed_zone_file(const std::string& path, const ReadOptions& options) {
    DK_TRY(std::vector<Record> records, read_zone_file(path, options));
    DK_TRY(WireName origin, wire_origin(options.origin));
    return signed_zone_from(std::move(origin), std::move(records));
}

}  // namespace dk::zone::sign
