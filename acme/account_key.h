// The ACME account key: ES256 (P-256), kept in the state directory as PEM, 0600, created once
// by an atomic write that never overwrites. Read like every secret (files::read_secret): refused
// when it is a symlink, not a regular file, owned by another user than ours or root, or open to
// group or others, all checked on the descriptor it is read from; its text is wiped once parsed.
#pragma once

#include <string>

#include "base/hex.h"
#include "base/openssl_handles.h"
#include "base/result.h"

namespace dk::acme {

Result<ossl::EvpPkeyPtr> load_or_create_account_key(const std::string& path);

// The external account binding MAC key from its file: base64url (what CAs hand out), the
// whole file trimmed; the file must be private like every secret.
Result<Bytes> load_eab_key(const std::string& path);

}  // namespace dk::acme
