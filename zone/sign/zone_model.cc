#include "zone/sign/zone_model.h"

#include <algorithm>
#include <numeric>
#include <thread>

namespace dk::zone::sign {

std::size_t BlobList::count() const {
    std::size_t n = 0;
    for_each([&n](std::string_view) { ++n; });
    return n;
}

void BlobList::push_back(std::string_view blob) {
    bytes_.push_back(static_cast<char>((blob.size() >> 8) & 0xff));
    bytes_.push_back(static_cast<char>(blob.size() & 0xff));
    bytes_.append(blob);
}

const Rrset* Node::find(std::uint16_t type) const {
    for (const auto& r : rrsets) {
        if (r.type == type) return &r;
    }
    return nullptr;
}

Rrset* Node::find(std::uint16_t type) {
    for (auto& r : rrsets) {
        if (r.type == type) return &r;
    }
    return nullptr;
}

Rrset& Node::get_or_add(std::uint16_t type, std::uint32_t ttl) {
    auto it = std::lower_bound(rrsets.begin(), rrsets.end(), type,
                               [](const Rrset& r, std::uint16_t t) { return r.type < t; });
    if (it != rrsets.end() && it->type == type) return *it;
    Rrset fresh;
    fresh.type = type;
    fresh.ttl = ttl;
    return *rrsets.insert(it, std::move(fresh));
}

void Node::remove(std::uint16_t type) {
    std::erase_if(rrsets, [type](const Rrset& r) { return r.type == type; });
}

const Node* Zone::find(std::string_view name) const {
    auto it = std::lower_bound(nodes.begin(), nodes.end(), name, [](const Node& n, auto key) {
        return compare_names(n.name, key) < 0;
    });
    if (it == nodes.end() || compare_names(it->name, name) != 0) return nullptr;
    return &*it;
}

Zone build_zone(WireName origin, std::vector<Record> records) {
    // The sort keys side by side in one buffer: one allocation, not one per record.
    std::string key_bytes;
    key_bytes.reserve(records.size() * 24);
    std::vector<std::size_t> key_ends(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        append_canonical_key(key_bytes, records[i].owner);
        key_ends[i] = key_bytes.size();
    }
    std::vector<std::string_view> keys(records.size());
    for (std::size_t i = 0; i < records.size(); ++i) {
        const std::size_t begin = i == 0 ? 0 : key_ends[i - 1];
        keys[i] = std::string_view(key_bytes).substr(begin, key_ends[i] - begin);
    }
    std::vector<std::uint32_t> order(records.size());
    std::iota(order.begin(), order.end(), 0u);
    auto by_type_and_rdata = [&](std::uint32_t a, std::uint32_t b) {
        if (records[a].type != records[b].type) return records[a].type < records[b].type;
        return records[a].rdata < records[b].rdata;  // unsigned octet order (char_traits<char>)
    };
    // A file written in canonical owner order (as every signed file we write is) needs only
    // each owner's records sorted.
    const bool owners_sorted = std::is_sorted(keys.begin(), keys.end());
    if (owners_sorted) {
        std::size_t begin = 0;
        for (std::size_t i = 1; i <= order.size(); ++i) {
            if (i == order.size() || keys[i] != keys[begin]) {
                std::sort(order.begin() + static_cast<std::ptrdiff_t>(begin),
                          order.begin() + static_cast<std::ptrdiff_t>(i), by_type_and_rdata);
                begin = i;
            }
        }
    } else {
        // Every key starts with the origin's; the 8 bytes after it, as a number, order most
        // pairs without touching the keys (equal numbers fall back to the whole keys). Should a
        // name outside the origin have come in, the first 8 bytes are taken: still the same order.
        const std::string origin_key = canonical_key(origin);
        std::size_t common = origin_key.size();
        for (const auto& k : keys) {
            if (!k.starts_with(origin_key)) common = 0;
        }
        struct Entry {
            std::uint64_t prefix;
            std::uint32_t index;
        };
        std::vector<Entry> entries(records.size());
        for (std::uint32_t i = 0; i < entries.size(); ++i) {
            std::uint64_t prefix = 0;
            for (std::size_t k = 0; k < 8; ++k) {
                const std::size_t at = common + k;
                const auto byte =
                    at < keys[i].size() ? static_cast<unsigned char>(keys[i][at]) : 0u;
                prefix = (prefix << 8) | byte;
            }
            entries[i] = Entry{prefix, i};
        }
        auto canonical = [&](const Entry& a, const Entry& b) {
            if (a.prefix != b.prefix) return a.prefix < b.prefix;
            if (int c = keys[a.index].compare(keys[b.index]); c != 0) return c < 0;
            return by_type_and_rdata(a.index, b.index);
        };
        // A big zone's halves are sorted on two cores, then merged.
        const auto mid = entries.begin() + static_cast<std::ptrdiff_t>(entries.size() / 2);
        if (entries.size() >= 65536 && std::thread::hardware_concurrency() > 1) {
            std::thread first([&] { std::sort(entries.begin(), mid, canonical); });
            std::sort(mid, entries.end(), canonical);
            first.join();
            std::inplace_merge(entries.begin(), mid, entries.end(), canonical);
        } else {
            std::sort(entries.begin(), entries.end(), canonical);
        }
        for (std::size_t i = 0; i < entries.size(); ++i) order[i] = entries[i].index;
    }
    Zone zone;
    zone.origin = std::move(origin);
    std::size_t owners = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (k == 0 || keys[order[k]] != keys[order[k - 1]]) ++owners;
    }
    zone.nodes.reserve(owners);
    const std::string_view* last_key = nullptr;
    const std::string* last_rdata = nullptr;
    for (const std::uint32_t i : order) {
        Record& r = records[i];
        if (last_key == nullptr || *last_key != keys[i]) {
            zone.nodes.push_back(Node{std::move(r.owner), {}, 0});
            // Room for two RRsets: most names have one, and the signer adds an NSEC.
            zone.nodes.back().rrsets.reserve(2);
            last_key = &keys[i];
            last_rdata = nullptr;
        }
        Node& node = zone.nodes.back();
        const bool new_type = node.rrsets.empty() || node.rrsets.back().type != r.type;
        if (new_type) {
            node.rrsets.push_back(Rrset{r.type, r.ttl, {}, {}});
            last_rdata = nullptr;
        }
        Rrset& rrset = node.rrsets.back();
        rrset.ttl = std::min(rrset.ttl, r.ttl);
        if (last_rdata != nullptr && *last_rdata == r.rdata) continue;  // duplicate record
        rrset.rdatas.push_back(r.rdata);
        last_rdata = &r.rdata;
    }
    return zone;
}

bool is_authoritative(const Node& node, std::uint16_t type) {
    if ((node.flags & node_occluded) != 0) return false;
    if ((node.flags & node_delegation) != 0)
        return type == type_ns || type == type_ds || type == type_nsec;
    return true;
}

namespace {

// Ancestors of `name` strictly below `stop`, highest first, that are missing before `name`.
void add_empty_ancestors(std::vector<Node>& out, const WireName& name, std::string_view origin) {
    const std::string_view previous = out.empty() ? std::string_view() : out.back().name;
    std::vector<std::string_view> missing;
    std::string_view up = parent_of(name);
    while (up.size() > origin.size() && is_at_or_below(up, origin)) {
        if (!previous.empty() && is_at_or_below(previous, up)) break;
        missing.push_back(up);
        up = parent_of(up);
    }
    for (auto it = missing.rbegin(); it != missing.rend(); ++it)
        out.push_back(Node{WireName(*it), {}, node_empty});
}

}  // namespace

void mark_structure(Zone& zone, bool with_empty) {
    std::erase_if(zone.nodes, [](const Node& n) { return (n.flags & node_empty) != 0; });
    if (with_empty) {
        std::vector<Node> out;
        out.reserve(zone.nodes.size() + zone.nodes.size() / 2);
        for (auto& n : zone.nodes) {
            add_empty_ancestors(out, n.name, zone.origin);
            out.push_back(std::move(n));
        }
        zone.nodes = std::move(out);
    }
    std::string_view cut;
    for (auto& n : zone.nodes) {
        n.flags &= static_cast<std::uint8_t>(node_empty);
        if (!cut.empty() && n.name.size() > cut.size() && is_at_or_below(n.name, cut)) {
            n.flags |= node_occluded;
            continue;
        }
        cut = {};
        if (n.name.size() == zone.origin.size() && compare_names(n.name, zone.origin) == 0) {
            n.flags |= node_apex;
        } else if (n.find(type_ns) != nullptr) {
            n.flags |= node_delegation;
            cut = n.name;
        }
        if (n.find(type_dname) != nullptr) cut = n.name;
    }
}

}  // namespace dk::zone::sign
