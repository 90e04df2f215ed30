// What the signer is told about keys: which DNSKEYs to publish and which keys sign what.
// A key rollover (ZSK pre-publication, KSK double-DS) is a sequence of these.
#pragma once

#include <vector>

#include "zone/sign/dnssec_key.h"

namespace dk::zone::sign {

struct KeySet {
    std::vector<Dnskey> publish;           // the DNSKEY RRset; signing keys are added to it
    std::vector<SigningKey> zone_signing;  // every RRset but DNSKEY/CDS/CDNSKEY
    std::vector<SigningKey> key_signing;   // DNSKEY, CDS, CDNSKEY (all RRsets when no ZSK)
};

}  // namespace dk::zone::sign
