// Publishing by signing a zone file ourselves: the records danekeeper manages (TLSA, ACME TXT,
// CDS ...) are kept in a file of their own in the state directory, added to the operator's
// unsigned zone file, signed (keeping valid signatures of what did not change), written
// atomically where the name server loads it, and the server is told to reload. The same
// Publisher interface as RFC 2136, so the rollover engine and ACME use it unchanged.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "zone/publisher.h"
#include "zone/sign/key_set.h"
#include "zone/sign/serial.h"
#include "zone/sign/sign_job.h"
#include "zone/sign/signer.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct FilePublisherOptions {
    std::string zone;           // absolute
    std::string unsigned_file;  // the operator's; never written
    std::string signed_file;    // what the name server loads
    std::string managed_file;   // our records, zone-file text, in the state directory
    std::vector<std::vector<std::string>> reload;  // argv lists run after each write
    std::chrono::milliseconds reload_timeout{30'000};
    KeySet keys;
    std::vector<Record> extra;  // CDS/CDNSKEY from the key planner (zone/dnssec_keys), signed too
    SignOptions sign;
    SerialPolicy serial = SerialPolicy::unixtime;
};

// What a zone's publishers keep between their signings: the operator's file parsed and the
// blocks of the signed file last written (KeptSigning). One per zone, shared by every publisher
// of the zone (the daemon keeps it across passes and slot runs); each publisher works under its
// lock, so changes to the zone are made one at a time. It is used only while what it was made
// from is what a publisher would make it from now: the same options (files, keys, extra records,
// signing timing, serial policy; else it is dropped whole), the unsigned file with the same
// SHA-256 (read and hashed at every use), and the signed file as it was written (KeptSigning).
struct HeldSigning {
    std::mutex mutex;
    std::string made_from;  // publisher_fingerprint() of the options it was made with
    struct UnsignedFile {
        std::array<unsigned char, 32> digest{};
        std::vector<Record> records;
        std::uint64_t generation = 0;  // SignJob::unsigned_generation: unique to each parse
    };
    std::optional<UnsignedFile> unsigned_zone;
    KeptSigning kept;
    void drop() {
        made_from.clear();
        unsigned_zone.reset();
        kept.blocks.clear();
        kept.written.reset();
        kept.prepared.reset();
    }
};

// Everything in `options` that decides what a signing writes, as one comparable string.
std::string publisher_fingerprint(const FilePublisherOptions& options);

class FilePublisher final : public Publisher {
  public:
    // `held`: the zone's shared state; none: the publisher keeps its own for its lifetime.
    FilePublisher(FilePublisherOptions options, const Clock& clock,
                  std::shared_ptr<HeldSigning> held = nullptr)
        : options_(std::move(options)),
          clock_(clock),
          held_(held ? std::move(held) : std::make_shared<HeldSigning>()),
          fingerprint_(publisher_fingerprint(options_)) {}

    // The RRset as the next signed file will hold it: the operator's records and ours.
    Result<dk::zone::Rrset> read_rrset(const std::string& owner, ldns_rr_type type) override;

    // Checks change.expected against the RRsets as they are (or as they would be had the last
    // change been written: a crash between saving our records and writing the file), keeps our
    // records, signs and writes the file, reloads. A record only the operator's file holds is
    // never removed (refused).
    Result<UpdateResult> apply(const ZoneChange& change) override;

    // Signs again when a signature is in its refresh window or the unsigned file changed;
    // writes nothing otherwise. Returns the serial written, if any.
    Result<std::optional<std::uint32_t>> refresh();

    // Signs and writes now, whatever is due (a DNSSEC key step changed the keys); the serial.
    Result<std::uint32_t> sign_now();

  private:
    // The held state under its lock, dropped first when it was made from other options.
    std::unique_lock<std::mutex> hold();
    // The operator's records: the unsigned file read whole and hashed each time, parsed again
    // only when its hash differs from the held one (a slot run reads RRsets several times, then
    // signs; a big zone would otherwise be parsed at each step).
    Result<const std::vector<Record>*> unsigned_records();
    struct Published {
        std::uint32_t serial = 0;
        bool written = false;
    };
    Result<Published> sign_and_reload(const std::vector<Record>& managed, bool force);
    FilePublisherOptions options_;
    const Clock& clock_;
    std::shared_ptr<HeldSigning> held_;
    std::string fingerprint_;
};

// The records danekeeper added, as zone-file text (missing file: none).
Result<std::vector<Record>> load_managed(const std::string& path, const std::string& zone);
Status save_managed(const std::string& path, const std::vector<Record>& records);

}  // namespace dk::zone::sign
