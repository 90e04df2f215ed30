// One signing of a zone file: read the operator's unsigned file, add the records danekeeper
// manages, keep what the last signed file still has valid, bump the serial, sign, write the
// signed file atomically. The caller reloads the name server.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "zone/sign/serial.h"
#include "zone/sign/signer.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

// What a publisher keeps between its signings (signer.h SignedBlocks): the blocks it wrote, and
// the signed file as it left it (device, inode, size, modification and change times). Another
// file there, or none, and the blocks are dropped: the next signing compares with the file.
struct KeptSigning {
    struct Stamp {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        timespec modified{};
        timespec changed{};
    };
    SignedBlocks blocks;
    std::optional<Stamp> written;
    std::uint32_t serial = 0;  // the SOA serial in that file
    // The zone last signed, prepared (DNSKEY RRset, structure, denial chain), and what it was
    // prepared from: the unsigned records (SignJob::unsigned_generation), our records, the
    // keys and options that shape it, and the unsigned file's own SOA serial. The next job from
    // the same unsigned records changes our records' RRsets in it instead of preparing the zone
    // again, when that is all that differs (no owner or type added or removed).
    struct PreparedZone {
        Zone zone;
        std::uint64_t unsigned_generation = 0;
        std::vector<Record> managed;
        std::string context;
        std::uint32_t file_serial = 0;
        std::size_t updates = 0;  // jobs that changed it in place
        // Whether the kept blocks were keyed from this zone as it is but for the nodes changed
        // in place since (their blocks, and the apex's, are keyed again; the others keep their
        // keys: nothing else changes a kept zone's records).
        bool blocks_keyed = false;
        std::vector<std::size_t> changed_nodes;
    };
    std::optional<PreparedZone> prepared;

    KeptSigning() = default;
    KeptSigning(const KeptSigning&) = delete;
    KeptSigning& operator=(const KeptSigning&) = delete;
    ~KeptSigning() { wait_released(); }
    // Destroys what `owner` holds (a lambda's captures) on a thread, after the last one.
    template <typename Owner>
    void release(Owner owner) {
        wait_released();
        releasing_ =
            std::thread([gone = std::move(owner)]() mutable { auto dropped = std::move(gone); });
    }
    void wait_released() {
        if (releasing_.joinable()) releasing_.join();
    }

  private:
    std::thread releasing_;
};

struct SignJob {
    std::string unsigned_file;
    // unsigned_file's records when the caller has read and parsed it already (copied; the file
    // is then not read again), and a number that names them: the same number, the same records
    // (0: none; the zone prepared is then not kept).
    const std::vector<Record>* unsigned_records = nullptr;
    std::uint64_t unsigned_generation = 0;
    std::string origin;           // the zone, absolute or not
    std::string signed_file;      // written atomically
    std::vector<Record> managed;  // added to the file's records (TLSA, ACME TXT, CDS ...)
    KeySet keys;
    SignOptions options;
    SerialPolicy serial_policy = SerialPolicy::unixtime;
    std::optional<std::uint32_t> last_serial;  // the last one published, when known elsewhere
    bool reuse_previous = true;                // keep valid signatures from signed_file as it is
    bool skip_when_current = false;            // nothing changed and nothing due: write nothing
    KeptSigning* kept = nullptr;               // the caller's, across jobs on the same signed_file
};

struct SignOutcome {
    bool written = false;
    std::uint32_t serial = 0;
    SignStats stats;
    bool had_previous = false;
    std::size_t blocks_taken = 0;            // blocks written as kept (KeptSigning), not compared
    std::chrono::milliseconds read_time{0};  // unsigned file, previous signed file, chain
    std::chrono::milliseconds sign_time{0};  // signing and writing, which overlap
};

Result<SignOutcome> run_sign_job(const SignJob& job, TimePoint now);

}  // namespace dk::zone::sign
