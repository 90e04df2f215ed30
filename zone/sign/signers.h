// Internal to the signer: which key signs which RRsets, and which old signatures can be kept.
#pragma once

#include <vector>

#include "base/result.h"
#include "zone/sign/key_set.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct Signers {
    std::vector<const SigningKey*> zone;  // for ordinary RRsets
    std::vector<const SigningKey*> keys;  // for DNSKEY, CDS, CDNSKEY
    std::vector<const SigningKey*> all;
    std::vector<bool> reusable;  // per `all`: its old signatures can be told apart and kept
};

// ZSKs sign the zone, KSKs the DNSKEY/CDS/CDNSKEY RRsets; either set alone signs everything.
// Every algorithm that signs must sign every RRset (RFC 4035 2.2, RFC 6840 5.11).
Result<Signers> choose_signers(const KeySet& keys, const Zone* previous);

std::size_t index_of(const Signers& s, const SigningKey* k);

}  // namespace dk::zone::sign
