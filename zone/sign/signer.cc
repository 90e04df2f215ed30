#include "zone/sign/signer.h"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <functional>

#include "base/files.h"
#include "zone/sign/names.h"
#include "zone/sign/parallel.h"
#include "zone/sign/previous_text.h"
#include "zone/sign/record_text.h"
#include "zone/sign/rrsig.h"
#include "zone/sign/signers.h"
#include "zone/sign/zone_writer.h"

namespace dk::zone::sign {
namespace {

bool signed_by_ksk(std::uint16_t type) {
    return type == type_dnskey || type == type_cds || type == type_cdnskey;
}

// The zone's own RRsets are signed; NS at a delegation and glue are not (RFC 4035 2.2).
bool is_signed(const Node& node, std::uint16_t type) {
    if ((node.flags & node_occluded) != 0) return false;
    if ((node.flags & node_delegation) != 0) return type == type_ds || type == type_nsec;
    return true;
}

using LibCtxPtr = CHandle<OSSL_LIB_CTX, OSSL_LIB_CTX_free>;

// What a signing thread keeps across the blocks of one run: an OpenSSL library context of its
// own and the keys' signature makers in it (declared after the context: destroyed first).
struct ThreadSigning {
    LibCtxPtr libctx{OSSL_LIB_CTX_new()};
    std::uint64_t run = 0;
    std::vector<std::optional<SignatureMaker>> makers;
};

std::atomic<std::uint64_t> run_counter{0};

ThreadSigning& thread_signing(std::uint64_t run, std::size_t keys) {
    thread_local ThreadSigning state;
    if (state.run != run) {
        state.makers.clear();
        state.makers.resize(keys);
        state.run = run;
    }
    return state;
}

// Signs one block of nodes, with the thread's signature makers, its own statistics and buffers.
struct Worker {
    const Signers& signers;
    const RrsigTimes& times;
    const std::string& signer_name;
    bool dry_run;
    ThreadSigning& thread;
    std::vector<std::optional<SignatureMaker>>& makers;
    SignStats stats;
    std::string scratch;
    std::string rrsig;
    std::optional<Error> error;
    // With the previous signed file as text: the block's zone-file text, made while signing.
    const PreviousText* previous_text = nullptr;
    std::string signer_text;
    std::string text;
    std::string owner_text;
    std::string data;
    std::string ttl_text;
    std::vector<PreviousLine> lines;
    std::uint32_t hint = 0;
    std::uint32_t min_expiration = 0xffffffff;  // of the signatures in `text`

    Worker(const Signers& s, const RrsigTimes& t, const std::string& origin, bool dry,
           std::uint64_t run)
        : signers(s),
          times(t),
          signer_name(origin),
          dry_run(dry),
          thread(thread_signing(run, s.all.size())),
          makers(thread.makers) {}

    bool new_signature(const Node& node, const Rrset& rrset, const SigningKey& key, std::size_t k);
    void count(const Rrset& rrset, bool made);
    void sign_rrset(const Node& node, Rrset& rrset, const Rrset* before);
    void sign_node(Node& node, const Node* before);
    void sign_range(std::vector<Node>& nodes, const std::vector<Node>* previous, std::size_t begin,
                    std::size_t end);
    void sign_rrset_text(const Node& node, Rrset& rrset, bool have_previous);
    void sign_range_text(std::vector<Node>& nodes, std::size_t begin, std::size_t end);
};

// Makes one signature into `rrsig` (false: failed, the error kept).
bool Worker::new_signature(const Node& node, const Rrset& rrset, const SigningKey& key,
                           std::size_t k) {
    if (!makers[k]) makers[k].emplace(key, thread.libctx.get());
    auto s = make_rrsig(node.name, rrset, key, signer_name, times, *makers[k], scratch, rrsig);
    if (!s.ok()) {
        if (!error) error = s.error();
        return false;
    }
    return true;
}

void Worker::count(const Rrset& rrset, bool made) {
    ++stats.rrsets;
    if (made) ++stats.rrsets_resigned;
    if (rrset.type == type_nsec || rrset.type == type_nsec3) {
        ++stats.denial_records;
        if (made) ++stats.denial_resigned;
    }
}

// As sign_rrset, against the previous file's lines for this owner: the RRset's lines as written
// now must be the previous ones exactly, and a kept RRSIG line is copied to the output. The
// RRset's `sigs` get only the new signatures (the kept ones are in the text).
void Worker::sign_rrset_text(const Node& node, Rrset& rrset, bool have_previous) {
    data.clear();
    rrset.rdatas.for_each([&](std::string_view rdata) {
        data += owner_text;
        append_record_after_owner(data, rrset.type, rrset.ttl, rdata);
    });
    if (!dry_run) text += data;
    if (!is_signed(node, rrset.type)) {
        if (!dry_run) rrset.sigs.clear();
        return;
    }
    const auto& keys = signed_by_ksk(rrset.type) ? signers.keys : signers.zone;
    const bool same =
        have_previous && same_rrset_lines(lines, rrset.type, data, rrset.rdatas.count());
    BlobList sigs;
    bool made = false;
    ttl_text.clear();
    append_uint(ttl_text, rrset.ttl);
    std::uint32_t expiration = 0;
    for (const SigningKey* key : keys) {
        const std::size_t k = index_of(signers, key);
        const PreviousLine* kept = nullptr;
        if (same && signers.reusable[k])
            kept = find_reusable_text(lines, rrset.type, rrset.ttl, node.name, *key, signer_text,
                                      times, &expiration);
        if (kept != nullptr) {
            ++stats.signatures_kept;
            min_expiration = std::min(min_expiration, expiration);
            if (dry_run) continue;
            // The kept line as it was, unless its TTL field is not the RRset's (edited).
            if (kept->ttl == ttl_text) {
                text += kept->line;
            } else {
                text += owner_text;
                text.push_back('\t');
                text += ttl_text;
                text += "\tIN\tRRSIG\t";
                text += kept->rdata;
            }
            text.push_back('\n');
            continue;
        }
        made = true;
        ++stats.signatures_made;
        // expiration_for spreads new signatures over [expiration - jitter, expiration].
        min_expiration = std::min(min_expiration, times.expiration - times.jitter);
        if (dry_run || !new_signature(node, rrset, *key, k)) continue;
        sigs.push_back(rrsig);
        text += owner_text;
        append_record_after_owner(text, type_rrsig, rrset.ttl, rrsig);
    }
    if (!dry_run) rrset.sigs = std::move(sigs);
    count(rrset, made);
}

void Worker::sign_range_text(std::vector<Node>& nodes, std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end && !error; ++i) {
        Node& node = nodes[i];
        owner_text.clear();
        append_name_text(owner_text, node.name);
        const bool have = previous_lines(*previous_text, owner_text, lines, hint);
        // The SOA leads the apex, as zone_writer writes it.
        if (Rrset* soa = node.find(type_soa)) sign_rrset_text(node, *soa, have);
        for (auto& rrset : node.rrsets) {
            if (rrset.type != type_soa) sign_rrset_text(node, rrset, have);
        }
    }
}

void Worker::sign_rrset(const Node& node, Rrset& rrset, const Rrset* before) {
    const auto& keys = signed_by_ksk(rrset.type) ? signers.keys : signers.zone;
    const bool same =
        before != nullptr && before->ttl == rrset.ttl && before->rdatas == rrset.rdatas;
    BlobList sigs;
    sigs.reserve(keys.size() * (2 + 18 + signer_name.size() + 64));
    bool made = false;
    for (const SigningKey* key : keys) {
        const std::size_t k = index_of(signers, key);
        std::optional<std::string_view> kept;
        if (same && signers.reusable[k])
            kept = find_reusable(*before, node.name, *key, signer_name, times);
        if (kept) {
            sigs.push_back(*kept);
            ++stats.signatures_kept;
            continue;
        }
        made = true;
        ++stats.signatures_made;
        if (dry_run || !new_signature(node, rrset, *key, k)) continue;
        sigs.push_back(rrsig);
    }
    if (!dry_run) rrset.sigs = std::move(sigs);
    count(rrset, made);
}

void Worker::sign_node(Node& node, const Node* before) {
    for (auto& rrset : node.rrsets) {
        if (!is_signed(node, rrset.type)) {
            if (!dry_run) rrset.sigs.clear();
            continue;
        }
        sign_rrset(node, rrset, before != nullptr ? before->find(rrset.type) : nullptr);
    }
}

// Signs nodes[begin, end), walking the previous zone's nodes (both in canonical order) alongside.
void Worker::sign_range(std::vector<Node>& nodes, const std::vector<Node>* previous,
                        std::size_t begin, std::size_t end) {
    if (begin >= end) return;
    std::size_t cursor = 0;
    if (previous != nullptr) {
        cursor = static_cast<std::size_t>(
            std::lower_bound(previous->begin(), previous->end(), nodes[begin].name,
                             [](const Node& n, const WireName& name) {
                                 return compare_names(n.name, name) < 0;
                             }) -
            previous->begin());
    }
    for (std::size_t i = begin; i < end && !error; ++i) {
        const Node* before = nullptr;
        if (previous != nullptr) {
            while (cursor < previous->size() &&
                   compare_names((*previous)[cursor].name, nodes[i].name) < 0)
                ++cursor;
            if (cursor < previous->size() &&
                compare_names((*previous)[cursor].name, nodes[i].name) == 0)
                before = &(*previous)[cursor];
        }
        sign_node(nodes[i], before);
    }
}

void add_stats(SignStats& total, const SignStats& part) {
    total.rrsets += part.rrsets;
    total.signatures_made += part.signatures_made;
    total.signatures_kept += part.signatures_kept;
    total.rrsets_resigned += part.rrsets_resigned;
    total.denial_records += part.denial_records;
    total.denial_resigned += part.denial_resigned;
}

// The key of a block of owners in SignedBlocks: SHA-256 over everything that goes into its
// text (names, flags, types, TTLs, RDATAs).
void append_node_key(std::string& out, const Node& node) {
    out.append(node.name.data(), node.name.size());
    out.push_back(static_cast<char>(node.flags));
    for (const auto& rrset : node.rrsets) {
        const std::uint32_t fields[] = {rrset.type, rrset.ttl,
                                        static_cast<std::uint32_t>(rrset.rdatas.bytes().size())};
        out.append(reinterpret_cast<const char*>(fields), sizeof fields);
        out += rrset.rdatas.bytes();
    }
    out.push_back('\0');
}

BlockKey block_key(const Zone& zone, std::size_t begin, std::size_t end) {
    std::string bytes;
    const std::size_t data = zone.nodes.size();
    for (std::size_t i = begin; i < end; ++i)
        append_node_key(bytes, i < data ? zone.nodes[i] : zone.nsec3_nodes[i - data]);
    BlockKey key{};
    unsigned int length = 0;
    EVP_Digest(bytes.data(), bytes.size(), key.data(), &length, EVP_sha256(), nullptr);
    return key;
}

// What decides the text of a block besides its owners: the signer, the options, the keys and
// whether the previous file's signatures under each can be kept.
std::string block_context(const Signers& signers, const std::string& signer_text,
                          const SignOptions& options) {
    std::string out = signer_text;
    for (const std::int64_t v :
         {std::int64_t{options.validity.count()}, std::int64_t{options.refresh.count()},
          std::int64_t{options.jitter.count()}, std::int64_t{options.backdate.count()},
          static_cast<std::int64_t>(options.block_nodes)})
        out += "|" + std::to_string(v);
    for (const auto* list : {&signers.zone, &signers.keys}) {
        out += "|";
        for (const SigningKey* key : *list) {
            const Dnskey& d = key->dnskey();
            out += std::to_string(d.flags) + " " + std::to_string(d.algorithm) + " " +
                   std::to_string(key->tag()) + " ";
            out += d.rdata();
            out += signers.reusable[index_of(signers, key)] ? "+" : "-";
        }
    }
    return out;
}

// Signs the zone block by block on every core; with `sink`, each block's zone-file text goes
// to it in order while later blocks are still being signed.
Result<SignStats> sign_blocks(Zone& zone, const KeySet& keys, const SignOptions& options,
                              const Zone* previous, const PreviousText* previous_text,
                              TimePoint now, bool dry_run,
                              const std::function<Status(std::string_view)>* sink,
                              SignedBlocks* kept = nullptr, std::string_view kept_file = {},
                              const std::vector<BlockKey>* known_keys = nullptr) {
    if (previous_text != nullptr) previous = &previous_text->head;
    const std::string signer_text = name_to_text(zone.origin);
    DK_TRY(const Signers signers, choose_signers(keys, previous));
    const RrsigTimes times = rrsig_times(now, options);
    const std::size_t data = zone.nodes.size();
    const std::size_t total = data + zone.nsec3_nodes.size();
    const std::size_t nodes_per_block = std::max<std::size_t>(1, options.block_nodes);
    const std::size_t blocks = (total + nodes_per_block - 1) / nodes_per_block;
    // Blocks are kept only along the text path, and taken only as laid out the last time.
    SignedBlocks before;
    SignedBlocks after;
    const bool keeping = kept != nullptr && previous_text != nullptr && sink != nullptr && !dry_run;
    if (keeping) {
        before = std::move(*kept);
        kept->clear();
        after.context = block_context(signers, signer_text, options);
        after.blocks.resize(blocks);
        const bool every_key_reusable =
            std::all_of(signers.reusable.begin(), signers.reusable.end(), [](bool r) { return r; });
        const bool in_file = std::all_of(
            before.blocks.begin(), before.blocks.end(), [&](const SignedBlocks::Block& b) {
                return b.offset <= kept_file.size() && b.length <= kept_file.size() - b.offset;
            });
        if (!every_key_reusable || before.context != after.context || !in_file) before.clear();
    }
    if (known_keys != nullptr && known_keys->size() != blocks) known_keys = nullptr;
    std::vector<char> taken_block(blocks, 0);
    std::size_t offset = 0;
    std::atomic<std::size_t> taken{0};
    std::vector<SignStats> block_stats(blocks);
    std::vector<std::optional<Error>> block_errors(blocks);
    const unsigned threads = worker_count(options.threads);
    const std::uint64_t run = ++run_counter;
    Status written;
    std::size_t consumed = 0;
    ordered_pipeline(
        blocks, threads, 4 * threads,
        [&](std::size_t b) {
            Worker w(signers, times, zone.origin, dry_run, run);
            const std::size_t begin = b * nodes_per_block;
            const std::size_t end = std::min(total, begin + nodes_per_block);
            if (keeping) {
                SignedBlocks::Block& now_block = after.blocks[b];
                now_block.key =
                    known_keys != nullptr ? (*known_keys)[b] : block_key(zone, begin, end);
                now_block.signed_at = times.now;
                // The block at the same index, when it holds the same owners: a block's text
                // depends only on them and the context (owners added or removed before it
                // shift it, and it is compared as usual).
                if (b < before.blocks.size()) {
                    const SignedBlocks::Block& was = before.blocks[b];
                    if (was.key == now_block.key && was.signed_at <= times.now &&
                        was.min_expiration > times.keep_until) {
                        // As the comparison would count it: every signature kept.
                        SignStats& st = block_stats[b];
                        st.rrsets = was.stats.rrsets;
                        st.denial_records = was.stats.denial_records;
                        st.signatures_kept = was.stats.signatures_made + was.stats.signatures_kept;
                        now_block.stats = st;
                        now_block.min_expiration = was.min_expiration;
                        ++taken;
                        taken_block[b] = 1;  // copied from kept_file when consumed
                        return std::string();
                    }
                }
            }
            if (previous_text != nullptr) {
                // Room for the block's text at once (about the previous file's bytes per name,
                // with a margin), not grown by doubling and copying.
                const std::size_t per_node = previous_text->text.size() /
                                             std::max<std::size_t>(1, previous_text->owners.size());
                w.text.reserve((end - begin) * (per_node + per_node / 4 + 64));
                w.previous_text = previous_text;
                w.signer_text = signer_text;
                w.dry_run = dry_run || sink == nullptr;
                w.sign_range_text(zone.nodes, std::min(begin, data), std::min(end, data));
                w.sign_range_text(zone.nsec3_nodes, std::max(begin, data) - data,
                                  std::max(end, data) - data);
                block_stats[b] = w.stats;
                block_errors[b] = w.error;
                if (keeping) {
                    after.blocks[b].stats = w.stats;
                    after.blocks[b].min_expiration = w.min_expiration;
                }
                return std::move(w.text);
            }
            w.sign_range(zone.nodes, previous ? &previous->nodes : nullptr, std::min(begin, data),
                         std::min(end, data));
            w.sign_range(zone.nsec3_nodes, previous ? &previous->nsec3_nodes : nullptr,
                         std::max(begin, data) - data, std::max(end, data) - data);
            block_stats[b] = w.stats;
            block_errors[b] = w.error;
            std::string text;
            if (sink != nullptr && !w.error) {
                text.reserve((end - begin) * 320);
                for (std::size_t i = begin; i < end; ++i)
                    append_node_text(text, i < data ? zone.nodes[i] : zone.nsec3_nodes[i - data]);
            }
            return text;
        },
        [&](std::string& text) {
            std::string_view piece = text;
            if (taken_block[consumed] != 0) {
                const SignedBlocks::Block& was = before.blocks[consumed];
                piece = kept_file.substr(was.offset, was.length);
            }
            if (sink != nullptr && written.ok()) written = (*sink)(piece);
            if (keeping) {
                after.blocks[consumed].offset = offset;
                after.blocks[consumed].length = piece.size();
            }
            offset += piece.size();
            ++consumed;
            return written.ok();
        });
    SignStats stats;
    for (std::size_t b = 0; b < blocks; ++b) {
        if (block_errors[b]) return *block_errors[b];
        add_stats(stats, block_stats[b]);
    }
    if (!written.ok()) return written.error();
    if (keeping) {
        after.taken = taken;
        *kept = std::move(after);
    }
    return stats;
}

}  // namespace

Result<SignStats> sign_prepared(Zone& zone, const KeySet& keys, const SignOptions& options,
                                const Zone* previous, TimePoint now, bool dry_run) {
    return sign_blocks(zone, keys, options, previous, nullptr, now, dry_run, nullptr);
}

Result<SignStats> count_against_text(Zone& zone, const KeySet& keys, const SignOptions& options,
                                     const PreviousText& previous, TimePoint now) {
    return sign_blocks(zone, keys, options, nullptr, &previous, now, true, nullptr);
}

std::vector<BlockKey> block_keys(const Zone& zone, const SignOptions& options,
                                 const std::vector<BlockKey>* known,
                                 const std::vector<std::size_t>& changed) {
    const std::size_t total = zone.nodes.size() + zone.nsec3_nodes.size();
    const std::size_t per_block = std::max<std::size_t>(1, options.block_nodes);
    const std::size_t count = (total + per_block - 1) / per_block;
    if (known != nullptr && known->size() == count) {
        std::vector<BlockKey> keys = *known;
        for (const std::size_t b : changed) {
            if (b < count)
                keys[b] = block_key(zone, b * per_block, std::min(total, (b + 1) * per_block));
        }
        return keys;
    }
    std::vector<BlockKey> keys(count);
    parallel_chunks(
        keys.size(), 16, worker_count(options.threads), [&](std::size_t begin, std::size_t end) {
            for (std::size_t b = begin; b < end; ++b)
                keys[b] = block_key(zone, b * per_block, std::min(total, (b + 1) * per_block));
        });
    return keys;
}

bool kept_blocks_current(const Zone& zone, const KeySet& keys, const SignOptions& options,
                         const Zone& previous_head, const SignedBlocks& kept, TimePoint now) {
    auto signers = choose_signers(keys, &previous_head);
    if (!signers.ok() ||
        !std::all_of(signers->reusable.begin(), signers->reusable.end(), [](bool r) { return r; }))
        return false;
    if (block_context(*signers, name_to_text(zone.origin), options) != kept.context) return false;
    const RrsigTimes times = rrsig_times(now, options);
    return std::all_of(kept.blocks.begin(), kept.blocks.end(), [&](const SignedBlocks::Block& b) {
        return b.signed_at <= times.now && b.min_expiration > times.keep_until;
    });
}

Result<SignStats> sign_to_file(Zone& zone, const KeySet& keys, const SignOptions& options,
                               const Zone* previous, TimePoint now, const std::string& path,
                               const PreviousText* previous_text, SignedBlocks* kept,
                               std::string_view kept_file,
                               const std::vector<BlockKey>* known_keys) {
    Result<SignStats> result = SignStats{};
    auto status = files::write_atomic_pieces(
        path, 0644, files::Overwrite::yes, [&](const files::PieceWriter& write) -> Status {
            const std::function<Status(std::string_view)> sink = write;
            result = sign_blocks(zone, keys, options, previous, previous_text, now, false, &sink,
                                 kept, kept_file, known_keys);
            if (!result.ok()) return result.error();
            return {};
        });
    if (!status.ok() && kept != nullptr) kept->clear();
    if (!status.ok()) return status.error();
    return result;
}

}  // namespace dk::zone::sign
