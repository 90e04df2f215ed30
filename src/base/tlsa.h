// The TLSA record as a domain value (RFC 6698), with RFC 7218 mnemonics on input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/hex.h"
#include "base/result.h"

namespace dk {

namespace tlsa {
inline constexpr std::uint8_t usage_pkix_ta = 0;
inline constexpr std::uint8_t usage_pkix_ee = 1;
inline constexpr std::uint8_t usage_dane_ta = 2;
inline constexpr std::uint8_t usage_dane_ee = 3;
inline constexpr std::uint8_t selector_cert = 0;
inline constexpr std::uint8_t selector_spki = 1;
inline constexpr std::uint8_t mtype_full = 0;
inline constexpr std::uint8_t mtype_sha256 = 1;
inline constexpr std::uint8_t mtype_sha512 = 2;
}  // namespace tlsa

struct TlsaRecord {
    std::uint8_t usage = tlsa::usage_dane_ee;
    std::uint8_t selector = tlsa::selector_spki;
    std::uint8_t mtype = tlsa::mtype_sha256;
    Bytes data;

    // "3 1 1 abcd..." (lower-case hex, no spaces): the presentation form of the RDATA.
    [[nodiscard]] std::string rdata_text() const;
    friend bool operator==(const TlsaRecord&, const TlsaRecord&) = default;
    friend auto operator<=>(const TlsaRecord&, const TlsaRecord&) = default;
};

// The 2 1 1 record of an issuer CA (DANE-TA, SHA-256 of its SubjectPublicKeyInfo).
TlsaRecord issuer_record(const Bytes& spki_sha256);

// Parses "3 1 1 HEX" or "DANE-EE SPKI SHA2-256 HEX" (RFC 7218, case-insensitive). Hex may be
// split by whitespace as in zone files. Checks the digest length for matching types 1 and 2.
Result<TlsaRecord> parse_tlsa_rdata(std::string_view text);

// Parses one field by number or mnemonic; nullopt-like error when unknown.
Result<std::uint8_t> parse_tlsa_usage(std::string_view text);
Result<std::uint8_t> parse_tlsa_selector(std::string_view text);
Result<std::uint8_t> parse_tlsa_mtype(std::string_view text);

// "_25._tcp.mx1.example.net." (the host may be given with or without the trailing dot).
std::string tlsa_owner(std::string_view host, std::uint16_t port);

}  // namespace dk
