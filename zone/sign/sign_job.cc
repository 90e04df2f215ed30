#include "zone/sign/sign_job.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <iterator>
#include <thread>

#include "base/files.h"
#include "base/log.h"
#include "base/mapped_file.h"
#include "base/unique_fd.h"
#include "zone/sign/parallel.h"
#include "zone/sign/previous_text.h"
#include "zone/sign/signed_zone.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

using Steady = std::chrono::steady_clock;

std::chrono::milliseconds since(Steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

// What shapes a prepared zone besides its records: the DNSKEY RRset (keys, TTL) and the denial
// chain (NSEC or NSEC3 and its parameters).
std::string prepared_context(const KeySet& keys, const SignOptions& options) {
    std::string out = options.denial == Denial::nsec3 ? "nsec3 " : "nsec ";
    out += std::to_string(options.nsec3.iterations) + " " + options.nsec3.salt + " ";
    out += options.dnskey_ttl ? std::to_string(*options.dnskey_ttl) : "-";
    for (const auto& key : keys.publish) out += "|" + key.rdata();
    for (const auto* list : {&keys.zone_signing, &keys.key_signing}) {
        out += "|";
        for (const auto& key : *list) out += key.dnskey().rdata() + ",";
    }
    return out;
}

bool record_less(const Record& a, const Record& b) {
    if (const int c = compare_names(a.owner, b.owner); c != 0) return c < 0;
    if (a.type != b.type) return a.type < b.type;
    if (a.ttl != b.ttl) return a.ttl < b.ttl;
    return a.rdata < b.rdata;
}

// Types the signer makes or shapes itself: a change to one prepares the zone again.
bool shaped_by_signer(std::uint16_t type) {
    return type == type_soa || type == type_dnskey || type == type_rrsig || type == type_nsec ||
           type == type_nsec3 || type == type_nsec3param;
}

// Makes `held` the zone prepared from the same unsigned records and `managed`, changing in place
// the RRsets of our records that differ. False when a change adds or removes an owner or a type
// (the structure and the denial chain change): `held` is then partly changed and must be
// dropped. Each RRset is grouped by build_zone, as a whole preparation would group it.
bool update_in_place(KeptSigning::PreparedZone& held, const std::vector<Record>& unsigned_records,
                     const std::vector<Record>& managed) {
    constexpr std::size_t max_rrsets = 64;  // beyond this, preparing anew costs about as much
    std::vector<Record> before = held.managed;
    std::vector<Record> after = managed;
    std::sort(before.begin(), before.end(), record_less);
    std::sort(after.begin(), after.end(), record_less);
    std::vector<Record> differ;
    std::set_symmetric_difference(before.begin(), before.end(), after.begin(), after.end(),
                                  std::back_inserter(differ), record_less);
    std::vector<std::pair<WireName, std::uint16_t>> rrsets;
    for (const auto& r : differ) {
        if (!rrsets.empty() && rrsets.back().second == r.type &&
            compare_names(rrsets.back().first, r.owner) == 0)
            continue;
        rrsets.emplace_back(r.owner, r.type);
    }
    if (rrsets.size() > max_rrsets) return false;
    for (const auto& [owner, type] : rrsets) {
        if (shaped_by_signer(type)) return false;
        auto node = std::lower_bound(
            held.zone.nodes.begin(), held.zone.nodes.end(), owner,
            [](const Node& n, const WireName& name) { return compare_names(n.name, name) < 0; });
        if (node == held.zone.nodes.end() || compare_names(node->name, owner) != 0) return false;
        Rrset* rrset = node->find(type);
        if (rrset == nullptr) return false;
        std::vector<Record> records;
        for (const auto* list : {&unsigned_records, &managed}) {
            for (const auto& r : *list) {
                if (r.type == type && r.owner.size() == owner.size() &&
                    compare_names(r.owner, owner) == 0)
                    records.push_back(r);
            }
        }
        if (records.empty()) return false;
        Zone one = build_zone(held.zone.origin, std::move(records));
        const Rrset* grouped = one.nodes.size() == 1 ? one.nodes.front().find(type) : nullptr;
        if (grouped == nullptr) return false;
        rrset->ttl = grouped->ttl;
        rrset->rdatas = grouped->rdatas;
        rrset->sigs = BlobList{};
        held.changed_nodes.push_back(static_cast<std::size_t>(node - held.zone.nodes.begin()));
    }
    held.managed = managed;
    ++held.updates;
    return true;
}

Result<Zone> read_unsigned(const SignJob& job, unsigned threads) {
    std::vector<Record> records;
    if (job.unsigned_records != nullptr) {
        records.reserve(job.unsigned_records->size() + job.managed.size());
        records.assign(job.unsigned_records->begin(), job.unsigned_records->end());
    } else {
        ReadOptions read;
        read.origin = job.origin;
        read.threads = threads;
        DK_TRY(records, read_zone_file(job.unsigned_file, read));
    }
    for (const auto& r : job.managed) records.push_back(r);
    DK_TRY(WireName origin, wire_origin(job.origin));
    return build_zone(std::move(origin), std::move(records));
}

// The signed file as it is now, when there is one to keep signatures from: as text indexed by
// owner when it is laid out as we write it, else read whole. One that does not read is not
// fatal: everything is signed afresh.
struct Previous {
    std::optional<PreviousText> text;
    std::optional<Zone> zone;
    // With kept blocks: the file mapped, text holding only the blocks that are signed again.
    files::MappedFile file;
    std::size_t blocks_differ = 0;
    [[nodiscard]] const Zone* head() const { return text ? &text->head : zone ? &*zone : nullptr; }
    // The file the kept blocks lie in.
    [[nodiscard]] std::string_view kept_file() const {
        return !file.text().empty() ? file.text() : text ? text->text : std::string_view();
    }
};

Previous read_previous(const SignJob& job, unsigned threads) {
    Previous p;
    if (!job.reuse_previous || !exists(job.signed_file)) return p;
    auto origin = wire_origin(job.origin);
    auto text = files::MappedFile::open(job.signed_file, max_zone_file_bytes);
    if (origin.ok() && text.ok()) {
        p.text = index_previous_text(std::move(*text), *origin);
        if (p.text) return p;
    }
    ReadOptions read;
    read.origin = job.origin;
    read.threads = threads;
    auto previous = read_signed_zone_file(job.signed_file, read);
    if (!previous.ok()) {
        log::warn("zone.previous_unreadable",
                  {{"file", job.signed_file}, {"error", previous.error().message}});
        return p;
    }
    if (!previous->nodes.empty()) p.zone = std::move(*previous);
    return p;
}

std::optional<KeptSigning::Stamp> stamp_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return KeptSigning::Stamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
}

bool same_stamp(const std::optional<KeptSigning::Stamp>& a,
                const std::optional<KeptSigning::Stamp>& b) {
    const auto same_time = [](const timespec& x, const timespec& y) {
        return x.tv_sec == y.tv_sec && x.tv_nsec == y.tv_nsec;
    };
    return a && b && a->device == b->device && a->inode == b->inode && a->size == b->size &&
           same_time(a->modified, b->modified) && same_time(a->changed, b->changed);
}

// `length` bytes at `offset` of an open file (false: fewer).
bool read_at(int fd, std::size_t offset, std::size_t length, std::string& out) {
    const std::size_t start = out.size();
    out.resize(start + length);
    std::size_t done = 0;
    while (done < length) {
        const ssize_t n = ::pread(fd, out.data() + start + done, length - done,
                                  static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

// The previous file through the blocks kept of it (the file verified as written): indexed only
// where the zone's blocks differ from the kept ones (those blocks, their neighbours and the
// apex's block), when a signing would take every other block as it is; with `map_file`, mapped
// for the blocks to be copied from it. nullopt: the whole file is to be indexed (too many blocks
// differ, they would not be taken, or the file is no longer the one written).
std::optional<Previous> previous_from_blocks(const SignJob& job, const Zone& zone,
                                             const std::vector<BlockKey>& keys, TimePoint now,
                                             bool map_file) {
    constexpr std::size_t max_blocks_differ = 32;
    const SignedBlocks& kept = job.kept->blocks;
    auto origin = wire_origin(job.origin);
    if (!origin.ok() || keys.size() != kept.blocks.size()) return std::nullopt;
    std::vector<char> wanted(keys.size(), 0);
    wanted[0] = 1;
    std::size_t differ = 0;
    for (std::size_t b = 0; b < keys.size(); ++b) {
        if (keys[b] == kept.blocks[b].key) continue;
        if (++differ > max_blocks_differ) return std::nullopt;
        for (std::size_t n = b == 0 ? 0 : b - 1; n <= b + 1 && n < keys.size(); ++n) wanted[n] = 1;
    }
    Previous p;
    UniqueFd fd;
    if (map_file) {
        auto file = files::MappedFile::open(job.signed_file, max_zone_file_bytes);
        if (!file.ok()) return std::nullopt;
        p.file = std::move(*file);
    } else {
        fd = UniqueFd(::open(job.signed_file.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd.get() < 0) return std::nullopt;
    }
    // What was mapped or opened is the file as written: it is still at the path afterwards
    // (a file put there before the mapping would have to be gone again, and ours unlinked).
    if (!same_stamp(job.kept->written, stamp_of(job.signed_file))) return std::nullopt;
    const auto size = static_cast<std::size_t>(job.kept->written->size);
    std::string text;
    for (std::size_t b = 0; b < keys.size(); ++b) {
        const SignedBlocks::Block& block = kept.blocks[b];
        if (block.offset > size || block.length > size - block.offset) return std::nullopt;
        if (wanted[b] == 0) continue;
        if (map_file)
            text += p.file.text().substr(block.offset, block.length);
        else if (!read_at(fd.get(), block.offset, block.length, text))
            return std::nullopt;
    }
    auto index = index_previous_text(std::move(text), *origin);
    if (!index || !kept_blocks_current(zone, job.keys, job.options, index->head, kept, now))
        return std::nullopt;
    p.text = std::move(index);
    p.blocks_differ = differ;
    return p;
}

std::int64_t nanoseconds(const timespec& t) {
    return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

// The stamp of a file just written, taken once the clock that stamps files has passed its
// change time by a tick: a later write, even one of the same size right after ours, then shows
// as a later change time. Within the tick of our write it could carry the same times, and the
// blocks would be taken over a file they were not written to. The wait is at most a tick (4 ms
// at 250 Hz) past the rename; a change time far ahead of the clock gives no stamp.
std::optional<KeptSigning::Stamp> settled_stamp_of(const std::string& path) {
    const auto first = stamp_of(path);
    if (!first) return first;
    timespec tick{};
    ::clock_getres(CLOCK_REALTIME_COARSE, &tick);
    const std::int64_t passed = nanoseconds(first->changed) + nanoseconds(tick);
    for (int waited = 0;; ++waited) {
        timespec now{};
        ::clock_gettime(CLOCK_REALTIME, &now);
        if (nanoseconds(now) > passed) break;
        if (waited == 50) return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto settled = stamp_of(path);
    if (!same_stamp(first, settled)) return std::nullopt;
    return settled;
}

// The block keys of `zone`: from the kept blocks, keyed again where the held zone changed since
// (and the apex's block: its serial), when they were keyed from it; else every block.
std::vector<BlockKey> keys_of(const Zone& zone, const SignJob& job,
                              const KeptSigning::PreparedZone* held) {
    if (held == nullptr || !held->blocks_keyed) return block_keys(zone, job.options);
    std::vector<BlockKey> known;
    known.reserve(job.kept->blocks.blocks.size());
    for (const auto& b : job.kept->blocks.blocks) known.push_back(b.key);
    const std::size_t per_block = std::max<std::size_t>(1, job.options.block_nodes);
    std::vector<std::size_t> changed{0};
    for (const std::size_t n : held->changed_nodes) changed.push_back(n / per_block);
    return block_keys(zone, job.options, &known, changed);
}

}  // namespace

Result<SignOutcome> run_sign_job(const SignJob& job, TimePoint now) {
    // The unsigned file is the operator's and is never written, not even when named as output.
    struct stat in {
    }, out_file{};
    if (job.signed_file == job.unsigned_file ||
        (::stat(job.unsigned_file.c_str(), &in) == 0 &&
         ::stat(job.signed_file.c_str(), &out_file) == 0 && in.st_dev == out_file.st_dev &&
         in.st_ino == out_file.st_ino))
        return Error::bad_input(job.signed_file + ": the output is the unsigned file itself");
    const unsigned threads = worker_count(job.options.threads);
    // Kept blocks count only while the file is the one they were written to.
    if (job.kept != nullptr && !same_stamp(job.kept->written, stamp_of(job.signed_file))) {
        job.kept->blocks.clear();
        job.kept->written.reset();
    }
    SignOutcome out;
    auto start = Steady::now();
    // With blocks kept of the file as it is, the file need not be indexed whole (below);
    // otherwise it is read while the unsigned one is.
    const bool blocks_held = job.kept != nullptr && job.reuse_previous &&
                             job.kept->written.has_value() && !job.kept->blocks.blocks.empty();
    Previous previous;
    std::thread reader;
    if (!blocks_held) reader = std::thread([&] { previous = read_previous(job, threads); });
    // The zone prepared the last time, with our records' changes made in place, or read and
    // prepared afresh.
    const bool keep_zone =
        job.kept != nullptr && job.unsigned_generation != 0 && job.unsigned_records != nullptr;
    const std::string context = keep_zone ? prepared_context(job.keys, job.options) : "";
    KeptSigning::PreparedZone* held = nullptr;
    if (keep_zone && job.kept->prepared &&
        job.kept->prepared->unsigned_generation == job.unsigned_generation &&
        job.kept->prepared->context == context &&
        update_in_place(*job.kept->prepared, *job.unsigned_records, job.managed)) {
        held = &*job.kept->prepared;
        set_soa_serial(held->zone, held->file_serial);
    } else if (job.kept != nullptr) {
        job.kept->prepared.reset();
    }
    Result<Zone> unsigned_zone = Zone{};
    Status prepared;
    if (held == nullptr) {
        unsigned_zone = read_unsigned(job, threads);
        if (unsigned_zone.ok()) prepared = prepare_zone(*unsigned_zone, job.keys, job.options);
    }
    if (reader.joinable()) reader.join();
    if (!unsigned_zone.ok()) return unsigned_zone.error();
    if (!prepared.ok()) return prepared.error().context(job.unsigned_file);
    if (held == nullptr && keep_zone) {
        const std::uint32_t file_serial = *soa_serial(*unsigned_zone);
        job.kept->prepared = KeptSigning::PreparedZone{
            std::move(*unsigned_zone), job.unsigned_generation, job.managed, context, file_serial};
        held = &*job.kept->prepared;
    }
    Zone& zone = held != nullptr ? held->zone : *unsigned_zone;
    const std::uint32_t file_serial = *soa_serial(zone);
    std::vector<BlockKey> keys;
    std::uint32_t keyed_serial = 0;  // the serial `keys` were made with
    // The blocks kept: the file as written holds their serial. Nothing due when every block is
    // the same at that serial and would be taken.
    if (blocks_held && job.skip_when_current && !serial_greater(file_serial, job.kept->serial)) {
        set_soa_serial(zone, job.kept->serial);
        keys = keys_of(zone, job, held);
        auto same = previous_from_blocks(job, zone, keys, now, false);
        if (same && same->blocks_differ == 0) {
            out.serial = job.kept->serial;
            out.had_previous = true;
            for (const auto& b : job.kept->blocks.blocks) {
                out.stats.rrsets += b.stats.rrsets;
                out.stats.denial_records += b.stats.denial_records;
                out.stats.signatures_kept += b.stats.signatures_made + b.stats.signatures_kept;
            }
            out.read_time = since(start);
            return out;
        }
        set_soa_serial(zone, file_serial);
        keys.clear();
        previous = read_previous(job, threads);  // counted against the whole file below
    } else if (blocks_held) {
        std::optional<std::uint32_t> last = job.last_serial;
        if (!last || serial_greater(job.kept->serial, *last)) last = job.kept->serial;
        keyed_serial = next_serial(file_serial, last, job.serial_policy, now);
        set_soa_serial(zone, keyed_serial);
        keys = keys_of(zone, job, held);
        if (auto partial = previous_from_blocks(job, zone, keys, now, true)) {
            previous = std::move(*partial);
        } else {
            keys.clear();
            previous = read_previous(job, threads);
        }
        set_soa_serial(zone, file_serial);
    }
    const Zone* before = previous.head();
    out.had_previous = before != nullptr;
    out.read_time = since(start);
    const PreviousText* before_text = previous.text ? &*previous.text : nullptr;
    std::optional<std::uint32_t> last = job.last_serial;
    const std::optional<std::uint32_t> previous_serial =
        before ? soa_serial(*before) : std::nullopt;
    if (previous_serial && (!last || serial_greater(*previous_serial, *last)))
        last = previous_serial;
    if (job.skip_when_current && previous_serial) {
        if (!serial_greater(file_serial, *previous_serial)) {
            set_soa_serial(zone, *previous_serial);
            DK_TRY(const SignStats due,
                   before_text != nullptr
                       ? count_against_text(zone, job.keys, job.options, *before_text, now)
                       : sign_prepared(zone, job.keys, job.options, before, now, true));
            if (due.signatures_made == 0) {
                out.serial = *previous_serial;
                out.stats = due;
                return out;
            }
        }
    }
    out.serial = next_serial(file_serial, last, job.serial_policy, now);
    set_soa_serial(zone, out.serial);
    if (out.serial != keyed_serial) keys.clear();  // made for another SOA: keyed again
    start = Steady::now();
    SignedBlocks* blocks = nullptr;
    if (job.kept != nullptr) {
        job.kept->written.reset();
        if (before_text != nullptr)
            blocks = &job.kept->blocks;
        else
            job.kept->blocks.clear();
    }
    DK_TRY(out.stats,
           sign_to_file(zone, job.keys, job.options, before, now, job.signed_file, before_text,
                        blocks, previous.kept_file(), keys.empty() ? nullptr : &keys));
    if (blocks != nullptr) {
        out.blocks_taken = blocks->taken;
        job.kept->written = settled_stamp_of(job.signed_file);
        job.kept->serial = out.serial;
    }
    if (held != nullptr) {
        held->blocks_keyed = blocks != nullptr && !blocks->blocks.empty();
        held->changed_nodes.clear();
    }
    out.sign_time = since(start);
    out.written = true;
    if (held != nullptr && before_text == nullptr) {
        // Signed without the previous text: every signature is in the zone. The kept zone needs
        // none of them (the next signing compares with the file).
        for (auto& node : zone.nodes) {
            for (auto& rrset : node.rrsets) rrset.sigs = BlobList{};
        }
        for (auto& node : zone.nsec3_nodes) {
            for (auto& rrset : node.rrsets) rrset.sigs = BlobList{};
        }
    }
    if (job.kept != nullptr) {
        // What is not kept (the previous file's index, the zone when not kept) is freed on a
        // thread of its own: the caller (the publisher) reloads the name server meanwhile.
        if (held != nullptr)
            job.kept->release([previous = std::move(previous)] {});
        else
            job.kept->release([zone = std::move(zone), previous = std::move(previous)] {});
    }
    return out;
}

}  // namespace dk::zone::sign
