// DNSSEC keys for signing: the public DNSKEY, its key tag, and the private key behind it.
// Signatures are made with OpenSSL EVP directly; each signing thread keeps its own contexts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/openssl_handles.h"
#include "base/result.h"

namespace dk::zone::sign {

enum class Algorithm : std::uint8_t { rsasha256 = 8, ecdsap256sha256 = 13, ed25519 = 15 };

// "ecdsap256sha256" / "ECDSAP256SHA256" / "13", "ed25519" / "15", "rsasha256" / "8".
std::optional<Algorithm> parse_algorithm(std::string_view text);
std::string_view algorithm_name(Algorithm a);  // BIND's mnemonic, e.g. "ECDSAP256SHA256"

inline constexpr std::uint16_t flag_zone_key = 256;
inline constexpr std::uint16_t flag_sep = 1;  // with flag_zone_key: 257, a KSK (or CSK)

// RFC 4034 Appendix B over a DNSKEY RDATA.
std::uint16_t key_tag(std::string_view dnskey_rdata);

struct Dnskey {
    std::uint16_t flags = flag_zone_key;
    std::uint8_t algorithm = 13;
    std::string public_key;  // the DNSKEY's key field (RFC 3110 / 6605 / 8080 layout)

    [[nodiscard]] std::string rdata() const;
    [[nodiscard]] std::uint16_t tag() const { return key_tag(rdata()); }
    [[nodiscard]] bool is_sep() const { return (flags & flag_sep) != 0; }
    static Result<Dnskey> from_rdata(std::string_view rdata);
    friend bool operator==(const Dnskey&, const Dnskey&) = default;
};

class SigningKey {
  public:
    // The private key must match the algorithm; the DNSKEY is derived from it.
    static Result<SigningKey> from_private(ossl::EvpPkeyPtr key, Algorithm algorithm,
                                           std::uint16_t flags);
    static Result<SigningKey> generate(Algorithm algorithm, std::uint16_t flags);

    SigningKey(const SigningKey& other);
    SigningKey& operator=(const SigningKey& other);
    SigningKey(SigningKey&&) noexcept = default;
    SigningKey& operator=(SigningKey&&) noexcept = default;
    ~SigningKey() = default;

    [[nodiscard]] const Dnskey& dnskey() const { return dnskey_; }
    [[nodiscard]] std::uint16_t tag() const { return tag_; }
    [[nodiscard]] Algorithm algorithm() const { return algorithm_; }
    [[nodiscard]] EVP_PKEY* pkey() const { return key_.get(); }

  private:
    SigningKey(ossl::EvpPkeyPtr key, Algorithm algorithm, Dnskey dnskey)
        : key_(std::move(key)),
          algorithm_(algorithm),
          dnskey_(std::move(dnskey)),
          tag_(dnskey_.tag()) {}
    ossl::EvpPkeyPtr key_;
    Algorithm algorithm_;
    Dnskey dnskey_;
    std::uint16_t tag_;
};

// The DNSKEY key field of a public key (RSA: exponent length, exponent, modulus; ECDSA: x|y;
// Ed25519: the 32 raw bytes).
Result<std::string> dnskey_public_key(EVP_PKEY* key, Algorithm algorithm);

// Makes signatures with one key; not shared between threads (it keeps its OpenSSL contexts).
// With a library context of its own thread the key is copied into it: signing threads then
// share no OpenSSL lock (random generator, provider caches), about 10 % more signatures a
// second on two cores.
class SignatureMaker {
  public:
    explicit SignatureMaker(const SigningKey& key, OSSL_LIB_CTX* libctx = nullptr);
    // Appends the signature field of an RRSIG over `data` (RFC 4034 3.1.8.1) to `out`.
    Status sign(std::string_view data, std::string& out);

  private:
    const SigningKey& key_;
    OSSL_LIB_CTX* libctx_;
    ossl::EvpPkeyPtr own_copy_;  // the key in `libctx`, when one was given
    EVP_PKEY* pkey_ = nullptr;
    ossl::EvpMdCtxPtr digest_;
    ossl::EvpPkeyCtxPtr pkey_ctx_;
    CHandle<EVP_MD, EVP_MD_free> sha256_;
    bool ready_ = false;
};

}  // namespace dk::zone::sign
