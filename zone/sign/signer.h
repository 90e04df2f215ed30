// The zone signer. It takes the DNSKEYs to publish and the keys that sign (ZSKs sign the zone,
// KSKs the DNSKEY, CDS and CDNSKEY RRsets), so a key rollover planner can drive it: it decides
// nothing about keys itself. Signatures over RRsets that did not change are kept from the
// previous signed zone while they are valid for longer than the refresh window; everything else
// is signed again on every core.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "zone/sign/denial.h"
#include "zone/sign/key_set.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

enum class Denial { nsec, nsec3 };

struct SignOptions {
    Denial denial = Denial::nsec;
    Nsec3Params nsec3;                        // RFC 9276 defaults
    Seconds validity{14 * 86400};             // expiration = now + validity - jitter
    Seconds refresh{5 * 86400};               // a kept signature has at least this long left
    Seconds jitter{12 * 3600};                // spread of expirations, per RRset
    Seconds backdate{3600};                   // inception before now, for skewed clocks
    std::optional<std::uint32_t> dnskey_ttl;  // default: the SOA's TTL
    unsigned threads = 0;                     // 0: every core
    std::size_t block_nodes = 1024;           // owners per block signed and written at once
};

struct SignStats {
    std::size_t rrsets = 0;  // signed RRsets in the zone, denial records included
    std::size_t signatures_made = 0;
    std::size_t signatures_kept = 0;
    std::size_t rrsets_resigned = 0;  // RRsets with at least one new signature
    std::size_t denial_records = 0;   // NSEC or NSEC3 RRsets
    std::size_t denial_resigned = 0;  // of those, signed again (new or changed links)
};

// Readies an unsigned zone: checks the apex (one SOA at the origin), drops the DNSSEC records
// a file may carry (RRSIG, NSEC, NSEC3, NSEC3PARAM; the DNSKEY RRset becomes the file's plus
// keys.publish), marks delegations and glue, builds the NSEC or NSEC3 chain.
Status prepare_zone(Zone& zone, const KeySet& keys, const SignOptions& options);

// Signs every RRset of a prepared zone at `now`, keeping valid signatures from `previous`
// (a signed zone as written before) where the RRset is the same. dry_run counts only.
Result<SignStats> sign_prepared(Zone& zone, const KeySet& keys, const SignOptions& options,
                                const Zone* previous, TimePoint now, bool dry_run = false);

struct PreviousText;

// What sign_prepared(dry_run) counts, against the previous signed file held as text.
Result<SignStats> count_against_text(Zone& zone, const KeySet& keys, const SignOptions& options,
                                     const PreviousText& previous, TimePoint now);

// What one publisher keeps of the file it last wrote, block by block, so that the next signing
// takes unchanged blocks as they were written instead of comparing each owner with the file
// again: a block is taken only when its owners and RRsets hash (SHA-256) to the same key, the
// signing context (keys, signer, options) is the same, the previous file's signatures are
// reusable under every key, and every signature in it still outlives the refresh window and
// has begun. That is exactly when the comparison would keep every line of the block, so the
// file written is the one the comparison would write. A block is where it lies in that file
// (offset, length): a taken block is copied from it. The caller makes sure the file on disk is
// the one these blocks were written to (sign_job.h).
using BlockKey = std::array<unsigned char, 32>;
struct SignedBlocks {
    struct Block {
        BlockKey key{};
        std::size_t offset = 0;  // in the file written
        std::size_t length = 0;
        SignStats stats;                   // as the signing that wrote it counted
        std::uint32_t min_expiration = 0;  // of every signature in the block
        std::uint32_t signed_at = 0;       // `now` of that signing
    };
    std::string context;
    std::vector<Block> blocks;
    std::size_t taken = 0;  // blocks the last signing took as they were
    void clear() { *this = SignedBlocks{}; }
};

// The key of each block of a prepared zone, as sign_to_file keys them (on every core). With
// `known` (keys of the same zone made before, as many as it has blocks), only the blocks
// `changed` are keyed again.
std::vector<BlockKey> block_keys(const Zone& zone, const SignOptions& options,
                                 const std::vector<BlockKey>* known = nullptr,
                                 const std::vector<std::size_t>& changed = {});

// Whether a signing at `now` would take every block of `kept` whose key is unchanged: the same
// signing context (with `previous_head` the apex of the file they were written to), the
// previous signatures reusable under every key, none of them due or not yet begun.
bool kept_blocks_current(const Zone& zone, const KeySet& keys, const SignOptions& options,
                         const Zone& previous_head, const SignedBlocks& kept, TimePoint now);

// The same, writing the signed zone file (atomically) while it signs: each block of owners goes
// to the file as soon as it is signed. With `previous_text` (previous is then ignored) the
// signatures are kept from that text, and kept RRSIG lines are copied from it to the file; the
// zone's RRsets then hold only the new signatures. With `kept` (and previous_text) unchanged
// blocks are copied from `kept_file` (the file they were written to, as it is), and `kept`
// holds the blocks written afterwards (cleared on failure). `known_keys`: block_keys(zone) when
// the caller has them. previous_text then needs to hold only the owners of the blocks that are
// not taken.
Result<SignStats> sign_to_file(Zone& zone, const KeySet& keys, const SignOptions& options,
                               const Zone* previous, TimePoint now, const std::string& path,
                               const PreviousText* previous_text = nullptr,
                               SignedBlocks* kept = nullptr, std::string_view kept_file = {},
                               const std::vector<BlockKey>* known_keys = nullptr);

}  // namespace dk::zone::sign
