// DNSSEC keys in BIND's file format, as dnssec-keygen and ldns-keygen write them:
// K<zone>+<alg>+<tag>.key (the DNSKEY record) and .private (Private-key-format v1.2/v1.3),
// so the same keys sign with danekeeper, ldns-signzone and dnssec-signzone.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "zone/sign/key_set.h"

namespace dk::zone::sign {

// What a key directory holds for one zone: every DNSKEY to publish, and the keys we can sign
// with (a .key with its .private). KSK = flags 257.
struct KeyDirectory {
    std::vector<Dnskey> published;
    std::vector<SigningKey> signing;
};

// The key set for a directory: flags 257 sign the DNSKEY RRset, the others the zone.
KeySet key_set_from(const KeyDirectory& dir);

// Pure: a .private file's text and its DNSKEY into a signing key (bad_input naming `source`).
Result<SigningKey> parse_private_key(std::string_view text, const Dnskey& dnskey,
                                     const std::string& source);

// Pure: the DNSKEY in a .key file (comments allowed), for `zone` (absolute, presentation).
Result<Dnskey> parse_public_key(std::string_view text, const std::string& zone,
                                const std::string& source);

// Whether dir holds any K<zone>+*.key file.
bool has_key_files(const std::string& dir, const std::string& zone);

// Reads every K<zone>+*.key in dir (and its .private, which must not be group/world readable).
Result<KeyDirectory> load_key_directory(const std::string& dir, const std::string& zone);

// .private text for a key (v1.3, with Created/Publish/Activate set to `now_text`).
std::string private_key_text(const SigningKey& key, const std::string& now_text);
std::string public_key_text(const Dnskey& key, const std::string& zone);

// Writes K<zone>+AAA+TTTTT.key (0644) and .private (0600) atomically, never overwriting;
// returns the base path.
Result<std::string> write_key_files(const std::string& dir, const std::string& zone,
                                    const SigningKey& key, const std::string& now_text);

}  // namespace dk::zone::sign
