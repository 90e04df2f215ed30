// A slot's `issuer_certificates`: every file read with a bound, parsed, and checked to be a CA
// certificate, before anything is published from it.
#pragma once

#include <vector>

#include "base/result.h"
#include "cert/issuer_ca.h"
#include "config/config.h"

namespace dk::service {

// The slot's issuer CAs in the configured order; the first bad file is bad_input, one line:
// "key SLOT: issuer_certificates: FILE: reason". Two files of the same CA key are one record.
Result<std::vector<cert::IssuerCa>> load_issuer_certificates(const config::SlotConfig& slot);

// Every slot's issuer CAs load (the check a verb and a daemon reload make before acting).
Status check_issuer_certificates(const config::Config& config);

// Their SPKI SHA-256 digests (the data of their 2 1 1 records), without repeats.
std::vector<Bytes> issuer_digests(const std::vector<cert::IssuerCa>& issuers);

}  // namespace dk::service
