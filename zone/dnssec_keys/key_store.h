// The DNSSEC keys of one zone on disk: STATE_DIR/dnssec/ZONE/K<zone>+<alg>+<tag>.key (0644) and
// .private (0600), BIND's format (zone/sign/key_files.h), so ldns-signzone and dnssec-signzone
// can use the same keys. Files are written atomically and never overwritten. What danekeeper
// remembers about each key (role, state, times) is its KeyRecord, persisted beside the engine's
// state in SQLite.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "zone/dnssec_keys/key_record.h"
#include "zone/sign/dnssec_key.h"

namespace dk::zone::dnssec_keys {

class KeyStore {
  public:
    // `dir` is created 0700 (with missing parents) when it does not exist; an existing one must
    // not be open to group or others.
    static Result<KeyStore> open(std::string dir, std::string zone);

    // Makes a key (OpenSSL), with a tag no key in `taken` has, and writes its files.
    Result<KeyRecord> generate(sign::Algorithm algorithm, Role role,
                               const std::vector<KeyRecord>& taken, TimePoint now) const;

    // The signing key behind a record: its .private, checked against the record's DNSKEY.
    [[nodiscard]] Result<sign::SigningKey> load(const KeyRecord& record) const;

    // K<zone>+AAA+TTTTT without extension, in the store's directory.
    [[nodiscard]] std::string base_path(const KeyRecord& record) const;
    // Removes the key's files (a key generate wrote that was then not recorded).
    void remove_files(const KeyRecord& record) const;
    [[nodiscard]] const std::string& dir() const { return dir_; }

  private:
    KeyStore(std::string dir, std::string zone) : dir_(std::move(dir)), zone_(std::move(zone)) {}
    std::string dir_;
    std::string zone_;  // absolute
};

// STATE_DIR/dnssec/<zone without the trailing dot, lower case>.
std::string key_directory(const std::string& state_dir, const std::string& zone);

}  // namespace dk::zone::dnssec_keys
