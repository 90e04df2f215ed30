// A zone held compactly: owner names in canonical order, each with its RRsets in wire format
// (RDATA canonical, RFC 4034 6.2) and the RRSIGs over them. No ldns objects are kept: a
// 200k-RRset zone stays at a few hundred bytes per owner.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "zone/sign/names.h"

namespace dk::zone::sign {

inline constexpr std::uint16_t type_a = 1;
inline constexpr std::uint16_t type_ns = 2;
inline constexpr std::uint16_t type_cname = 5;
inline constexpr std::uint16_t type_soa = 6;
inline constexpr std::uint16_t type_mx = 15;
inline constexpr std::uint16_t type_txt = 16;
inline constexpr std::uint16_t type_aaaa = 28;
inline constexpr std::uint16_t type_dname = 39;
inline constexpr std::uint16_t type_ds = 43;
inline constexpr std::uint16_t type_rrsig = 46;
inline constexpr std::uint16_t type_nsec = 47;
inline constexpr std::uint16_t type_dnskey = 48;
inline constexpr std::uint16_t type_nsec3 = 50;
inline constexpr std::uint16_t type_nsec3param = 51;
inline constexpr std::uint16_t type_tlsa = 52;
inline constexpr std::uint16_t type_cds = 59;
inline constexpr std::uint16_t type_cdnskey = 60;

// One record as read: owner and RDATA in canonical wire form, and where it came from.
struct Record {
    WireName owner;
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    std::string rdata;
    std::uint32_t line = 0;  // 0: not from a file (managed records)
};

// A sequence of length-prefixed blobs ([u16 length][bytes]...), kept sorted where it matters.
// RDATAs of an RRset and the RRSIG RDATAs over it are stored this way: one allocation each.
class BlobList {
  public:
    [[nodiscard]] bool empty() const { return bytes_.empty(); }
    [[nodiscard]] std::size_t count() const;
    [[nodiscard]] const std::string& bytes() const { return bytes_; }
    void clear() { bytes_.clear(); }
    void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
    void push_back(std::string_view blob);
    // Calls f(std::string_view) for every blob in order.
    template <typename F>
    void for_each(F&& f) const {
        std::size_t pos = 0;
        while (pos + 2 <= bytes_.size()) {
            const std::size_t len = (static_cast<unsigned char>(bytes_[pos]) << 8) |
                                    static_cast<unsigned char>(bytes_[pos + 1]);
            f(std::string_view(bytes_).substr(pos + 2, len));
            pos += 2 + len;
        }
    }
    friend bool operator==(const BlobList&, const BlobList&) = default;

  private:
    std::string bytes_;
};

struct Rrset {
    std::uint16_t type = 0;
    std::uint32_t ttl = 0;
    BlobList rdatas;  // canonical RDATA order (RFC 4034 6.3), no duplicates
    BlobList sigs;    // RRSIG RDATAs covering this RRset
};

enum NodeFlags : std::uint8_t {
    node_apex = 1,
    node_delegation = 2,  // NS below the apex: only NS and DS here are the zone's own
    node_occluded = 4,    // below a delegation or a DNAME: glue or junk, never signed
    node_empty = 8,       // an empty non-terminal (NSEC3 covers it)
};

struct Node {
    WireName name;
    std::vector<Rrset> rrsets;  // by type
    std::uint8_t flags = 0;

    [[nodiscard]] const Rrset* find(std::uint16_t type) const;
    Rrset* find(std::uint16_t type);
    Rrset& get_or_add(std::uint16_t type, std::uint32_t ttl);
    void remove(std::uint16_t type);
};

struct Zone {
    WireName origin;
    std::vector<Node> nodes;        // canonical order; the apex first
    std::vector<Node> nsec3_nodes;  // hashed owners (NSEC3 and its RRSIGs), in hash order

    [[nodiscard]] const Node* find(std::string_view name) const;  // binary search
    [[nodiscard]] Node& apex() { return nodes.front(); }
    [[nodiscard]] const Node& apex() const { return nodes.front(); }
};

// Groups records into RRsets under owners sorted canonically, drops duplicate records, takes
// the smallest TTL when an RRset's records disagree. Records must already be inside `origin`.
Zone build_zone(WireName origin, std::vector<Record> records);

// Whether the RRset at `node` is the zone's own data (signed, in the NSEC bitmap).
bool is_authoritative(const Node& node, std::uint16_t type);

// Marks the apex, delegations, occluded names; adds empty non-terminals when `with_empty`.
void mark_structure(Zone& zone, bool with_empty);

}  // namespace dk::zone::sign
