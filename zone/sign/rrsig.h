// RRSIG records: the signed data of RFC 4034 3.1.8.1 (RRSIG RDATA without the signature, then
// the RRset's records in canonical form and order), made with a key, or kept from before.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "zone/sign/dnssec_key.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign {

struct SignOptions;

struct RrsigTimes {
    std::uint32_t now = 0;
    std::uint32_t inception = 0;   // now - backdate
    std::uint32_t expiration = 0;  // now + validity, before jitter
    std::uint32_t jitter = 0;      // seconds taken off the expiration, per RRset
    std::uint32_t keep_until = 0;  // a kept signature must expire after this (now + refresh)
};

RrsigTimes rrsig_times(TimePoint now, const SignOptions& options);

// The expiration for one RRset: spread over [expiration - jitter, expiration] by a hash of the
// owner and type, so a zone signed at once is not due for refresh at once.
std::uint32_t expiration_for(std::string_view owner, std::uint16_t type, const RrsigTimes& t);

// Appends the RRSIG RDATA up to (not including) the signature field.
void append_rrsig_header(std::string& out, std::string_view owner, const Rrset& rrset,
                         const SigningKey& key, std::string_view signer, std::uint32_t inception,
                         std::uint32_t expiration);

// RFC 4034 3.1.8.1: header, then owner|type|class|TTL|RDLENGTH|RDATA for each record in order.
void append_signed_data(std::string& out, std::string_view owner, const Rrset& rrset);

// A complete RRSIG RDATA over rrset by key into `rrsig`. `scratch` is reused between calls.
Status make_rrsig(std::string_view owner, const Rrset& rrset, const SigningKey& key,
                  std::string_view signer, const RrsigTimes& times, SignatureMaker& maker,
                  std::string& scratch, std::string& rrsig);

// A signature in `before.sigs` by `key` that may be kept for the same RRset now: it covers
// the type with the right labels and TTL, is by this key and signer, has begun, and does not
// expire within the refresh window.
std::optional<std::string_view> find_reusable(const Rrset& before, std::string_view owner,
                                              const SigningKey& key, std::string_view signer,
                                              const RrsigTimes& times);

}  // namespace dk::zone::sign
