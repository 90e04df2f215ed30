#include "zone/sign/denial.h"

#include <openssl/evp.h>

#include <algorithm>

#include "base/openssl_handles.h"
#include "zone/sign/parallel.h"
#include "zone/sign/record_text.h"
#include "zone/sign/type_bitmap.h"
#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

void bitmap_types(const Node& node, std::vector<std::uint16_t>& types) {
    types.clear();
    for (const auto& r : node.rrsets) {
        if (in_bitmap(node, r.type)) types.push_back(r.type);
    }
}

// Whether the name carries any RRSIG (it holds a signed RRset besides its NSEC3, which lives
// at the hashed owner): everything but an empty non-terminal and an unsigned delegation.
bool has_signed_rrset(const Node& node) {
    for (const auto& r : node.rrsets) {
        if (in_bitmap(node, r.type) && is_authoritative(node, r.type) &&
            !((node.flags & node_delegation) != 0 && r.type == type_ns))
            return true;
    }
    return false;
}

void insert_sorted(std::vector<std::uint16_t>& types, std::uint16_t t) {
    auto it = std::lower_bound(types.begin(), types.end(), t);
    if (it == types.end() || *it != t) types.insert(it, t);
}

std::string nsec3param_rdata(const Nsec3Params& p) {
    std::string r;
    r.push_back(1);  // SHA-1
    r.push_back(0);  // flags
    put16(r, p.iterations);
    r.push_back(static_cast<char>(p.salt.size()));
    r += p.salt;
    return r;
}

}  // namespace

std::string nsec3_hash(std::string_view owner, const Nsec3Params& params) {
    static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    thread_local ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    std::string_view input = owner;
    std::string previous;
    for (unsigned i = 0; i <= params.iterations; ++i) {
        EVP_DigestInit_ex(ctx.get(), sha1, nullptr);
        EVP_DigestUpdate(ctx.get(), input.data(), input.size());
        EVP_DigestUpdate(ctx.get(), params.salt.data(), params.salt.size());
        EVP_DigestFinal_ex(ctx.get(), digest, &len);
        previous.assign(reinterpret_cast<const char*>(digest), len);
        input = previous;
    }
    return previous;
}

bool in_bitmap(const Node& node, std::uint16_t type) {
    if (type == type_rrsig || type == type_nsec || type == type_nsec3) return false;
    if ((node.flags & node_occluded) != 0) return false;
    if ((node.flags & node_delegation) != 0) return type == type_ns || type == type_ds;
    return true;
}

void build_nsec_chain(Zone& zone, std::uint32_t ttl, unsigned threads) {
    std::vector<Node*> chain;
    for (auto& n : zone.nodes) {
        n.remove(type_nsec);
        if ((n.flags & (node_occluded | node_empty)) == 0 && !n.rrsets.empty()) chain.push_back(&n);
    }
    // Each link changes only its own node's RRsets and reads the next node's name.
    parallel_chunks(chain.size(), 8192, threads, [&](std::size_t begin, std::size_t end) {
        std::vector<std::uint16_t> types;
        std::string rdata;
        for (std::size_t i = begin; i < end; ++i) {
            Node& n = *chain[i];
            const Node& next = *chain[(i + 1) % chain.size()];
            bitmap_types(n, types);
            insert_sorted(types, type_rrsig);
            insert_sorted(types, type_nsec);
            rdata = next.name;
            append_type_bitmap(rdata, types);
            n.get_or_add(type_nsec, ttl).rdatas.push_back(rdata);
        }
    });
}

Status build_nsec3_chain(Zone& zone, std::uint32_t ttl, const Nsec3Params& params,
                         unsigned threads) {
    for (auto& n : zone.nodes) n.remove(type_nsec);
    Node& apex = zone.apex();
    apex.remove(type_nsec3param);
    apex.get_or_add(type_nsec3param, ttl).rdatas.push_back(nsec3param_rdata(params));
    struct Entry {
        std::string hash;
        std::string bitmap;
    };
    std::vector<const Node*> hashed;
    for (const auto& n : zone.nodes) {
        if ((n.flags & node_occluded) == 0) hashed.push_back(&n);
    }
    std::vector<Entry> entries(hashed.size());
    parallel_chunks(hashed.size(), 8192, threads, [&](std::size_t begin, std::size_t end) {
        std::vector<std::uint16_t> types;
        for (std::size_t i = begin; i < end; ++i) {
            const Node& n = *hashed[i];
            bitmap_types(n, types);
            if (has_signed_rrset(n)) insert_sorted(types, type_rrsig);
            entries[i] = Entry{nsec3_hash(n.name, params), encode_type_bitmap(types)};
        }
    });
    std::sort(entries.begin(), entries.end(),
              [](const Entry& a, const Entry& b) { return a.hash < b.hash; });
    zone.nsec3_nodes.clear();
    zone.nsec3_nodes.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0 && entries[i].hash == entries[i - 1].hash)
            return Error::check_failed("NSEC3 hash collision at " + base32hex(entries[i].hash));
        const std::string& next = entries[(i + 1) % entries.size()].hash;
        std::string rdata = nsec3param_rdata(params);
        rdata.push_back(static_cast<char>(next.size()));
        rdata += next;
        rdata += entries[i].bitmap;
        Node node{prepend_label(base32hex(entries[i].hash), zone.origin), {}, 0};
        node.get_or_add(type_nsec3, ttl).rdatas.push_back(rdata);
        zone.nsec3_nodes.push_back(std::move(node));
    }
    return {};
}

}  // namespace dk::zone::sign
