// TSIG keys (RFC 8945) from BIND-format key files, as tsig-keygen and rndc-confgen write them:
//   key "name" { algorithm hmac-sha256; secret "base64"; };
// Comments (#, //, /* */) are allowed; a file may hold several keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace dk::zone {

enum class TsigAlgorithm { hmac_sha1, hmac_sha256, hmac_sha512 };

// "hmac-sha256." etc.: the algorithm name as ldns and the TSIG RR spell it.
std::string_view tsig_algorithm_name(TsigAlgorithm algorithm);

struct TsigKey {
    std::string name;  // absolute, lowercase, with the trailing dot
    TsigAlgorithm algorithm = TsigAlgorithm::hmac_sha256;
    std::string secret_base64;  // never log or print this
};

// Parses every key block in `text`. `source` (the file name) prefixes each error with its line:
// "keys.conf:3: unknown algorithm hmac-md5". Errors never contain the secret. A key using
// hmac-sha1 is accepted and logged as the warning event tsig.weak_algorithm.
Result<std::vector<TsigKey>> parse_tsig_keys(std::string_view text, std::string_view source);

// Picks `name` (absolute or not) from `keys`, or the only key when no name is given; refuses
// ambiguity (several keys, no name) and a missing name.
Result<TsigKey> select_tsig_key(const std::vector<TsigKey>& keys,
                                const std::optional<std::string>& name, std::string_view source);

// Reads `path` (refused when readable by group or others), parses it and selects the key.
Result<TsigKey> load_tsig_key(const std::string& path, const std::optional<std::string>& name);

}  // namespace dk::zone
