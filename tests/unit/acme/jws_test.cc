// JWS, JWK and thumbprint known answers. ECDSA signatures are randomised, so they are verified
// with OpenSSL; the header and payload encodings and the thumbprints are fixed bytes (computed
// independently with Python's json/base64/hashlib/hmac).
#include "acme/jws.h"

#include <gtest/gtest.h>
#include <openssl/ecdsa.h>
#include <openssl/pem.h>

#include "acme/jwk.h"
#include "base/base64.h"
#include "base/openssl_handles.h"

namespace dk::acme {
namespace {

constexpr const char* key_pem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxfE9NYi/giwODXe2
p5XbSUe9Kxgtig0AoIouGcRGTAahRANCAASmH80siqaGm2qPpJgdDWXlldirGoEj
eJGxXDFMHvna7Cbw/W6r/HbM3htevIt7+v12T/18HoA5WyImr9PAV0Cg
-----END PRIVATE KEY-----
)";

ossl::EvpPkeyPtr fixed_key() {
    ossl::BioPtr bio(BIO_new_mem_buf(key_pem, -1));
    return ossl::EvpPkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string text_of(const Bytes& b) {
    return {b.begin(), b.end()};
}

// Verifies a JWS ES256 signature (raw r||s) over `input` with OpenSSL's own verifier.
bool verifies(const EVP_PKEY& key, const std::string& input, const std::string& signature64) {
    auto raw = from_base64url(signature64);
    if (!raw || raw->size() != 64) return false;
    ossl::EcdsaSigPtr sig(ECDSA_SIG_new());
    ECDSA_SIG_set0(sig.get(), BN_bin2bn(raw->data(), 32, nullptr),
                   BN_bin2bn(raw->data() + 32, 32, nullptr));
    unsigned char* der = nullptr;
    const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
    ossl::OpensslBytesPtr owned(der);
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr,
                                const_cast<EVP_PKEY*>(&key)) == 1 &&
           EVP_DigestVerify(ctx.get(), der, static_cast<std::size_t>(der_len),
                            reinterpret_cast<const unsigned char*>(input.data()),
                            input.size()) == 1;
}

TEST(Jwk, PublicJwkOfTheFixedKeyMatchesOpensslsPoint) {
    auto key = fixed_key();
    ASSERT_TRUE(key);
    auto jwk = public_jwk(*key);
    ASSERT_TRUE(jwk.ok()) << jwk.error().message;
    EXPECT_EQ(jwk->dump(),
              R"({"crv":"P-256","kty":"EC","x":"ph_NLIqmhptqj6SYHQ1l5ZXYqxqBI3iRsVwxTB752uw",)"
              R"("y":"JvD9bqv8dszeG168i3v6_XZP_XwegDlbIiav08BXQKA"})");
    auto thumb = jwk_thumbprint(*jwk);
    ASSERT_TRUE(thumb.ok());
    EXPECT_EQ(*thumb, "edS0rsDzU9hkCqdhRNgfSP0YJwKxpUVMSgUESV5_opU");
}

// RFC 7638 section 3.1.
TEST(Jwk, Rfc7638RsaExampleThumbprint) {
    const nlohmann::json jwk{
        {"kty", "RSA"},
        {"n",
         "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
         "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
         "65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdk"
         "t-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-"
         "kEgU8awapJzKnqDKgw"},
        {"e", "AQAB"},
        {"alg", "RS256"},
        {"kid", "2011-04-29"}};
    auto thumb = jwk_thumbprint(jwk);
    ASSERT_TRUE(thumb.ok()) << thumb.error().message;
    EXPECT_EQ(*thumb, "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(Jwk, ThumbprintRefusesIncompleteKeys) {
    EXPECT_FALSE(jwk_thumbprint(nlohmann::json{{"kty", "EC"}, {"crv", "P-256"}}).ok());
    EXPECT_FALSE(jwk_thumbprint(nlohmann::json{{"kty", "OKP"}, {"x", "a"}}).ok());
    EXPECT_FALSE(jwk_thumbprint(nlohmann::json::array()).ok());
}

TEST(Jwk, KeyAuthorizationAndDns01Value) {
    // RFC 8555 section 8.4 defines the TXT value as base64url(SHA-256(key authorization)).
    EXPECT_EQ(key_authorization("tok", "thumb"), "tok.thumb");
    // sha256("tok.thumb") computed with Python's hashlib.
    EXPECT_EQ(dns01_txt_value("tok.thumb"), "sYAwVrqDtVOuJZvAHurSAYPoEt5fFV_C4bdSOOW-o5Y");
}

TEST(Jws, ProtectedHeaderAndPayloadAreFixedBytesAndTheSignatureVerifies) {
    auto key = fixed_key();
    ASSERT_TRUE(key);
    const ProtectedHeader header{"https://ca.test/acct/1", std::nullopt, "n0nce",
                                 "https://ca.test/new-order"};
    const nlohmann::json payload{
        {"identifiers", {{{"type", "dns"}, {"value", "mx1.example.test"}}}}};
    auto jws = sign_request(*key, header, payload);
    ASSERT_TRUE(jws.ok()) << jws.error().message;
    EXPECT_EQ(
        (*jws)["protected"],
        "eyJhbGciOiJFUzI1NiIsImtpZCI6Imh0dHBzOi8vY2EudGVzdC9hY2N0LzEiLCJub25jZSI6Im4wbmNlIiwid"
        "XJsIjoiaHR0cHM6Ly9jYS50ZXN0L25ldy1vcmRlciJ9");
    EXPECT_EQ((*jws)["payload"],
              "eyJpZGVudGlmaWVycyI6W3sidHlwZSI6ImRucyIsInZhbHVlIjoibXgxLmV4YW1wbGUudGVzdCJ9XX0");
    const std::string input =
        (*jws)["protected"].get<std::string>() + "." + (*jws)["payload"].get<std::string>();
    EXPECT_TRUE(verifies(*key, input, (*jws)["signature"]));
    // The compact serialization is the same three parts.
    EXPECT_EQ(compact(*jws), input + "." + (*jws)["signature"].get<std::string>());
    // A changed payload does not verify: the check can fail.
    EXPECT_FALSE(verifies(*key, input + "x", (*jws)["signature"]));
}

TEST(Jws, NewAccountCarriesTheJwkAndPostAsGetHasAnEmptyPayload) {
    auto key = fixed_key();
    auto jwk = public_jwk(*key);
    ASSERT_TRUE(jwk.ok());
    auto jws = sign_request(*key, {std::nullopt, *jwk, "n", "https://ca.test/x"}, std::nullopt);
    ASSERT_TRUE(jws.ok());
    EXPECT_EQ((*jws)["payload"], "");
    auto header =
        nlohmann::json::parse(text_of(*from_base64url((*jws)["protected"].get<std::string>())));
    EXPECT_EQ(header["jwk"], *jwk);
    EXPECT_FALSE(header.contains("kid"));
    EXPECT_EQ(header["alg"], "ES256");
    EXPECT_TRUE(verifies(*key, (*jws)["protected"].get<std::string>() + ".", (*jws)["signature"]));
}

TEST(Jws, ExternalAccountBindingIsHs256OverTheAccountJwk) {
    auto key = fixed_key();
    auto jwk = public_jwk(*key);
    ASSERT_TRUE(jwk.ok());
    Bytes mac_key;
    for (int i = 0; i < 32; ++i) mac_key.push_back(static_cast<std::uint8_t>(i));
    auto eab = external_account_binding(*jwk, "kid-1", mac_key, "https://ca.test/new-account");
    ASSERT_TRUE(eab.ok());
    EXPECT_EQ((*eab)["protected"],
              "eyJhbGciOiJIUzI1NiIsImtpZCI6ImtpZC0xIiwidXJsIjoiaHR0cHM6Ly9jYS50ZXN0L25ldy1hY2NvdW"
              "50In0");
    EXPECT_EQ((*eab)["payload"], base64url(jwk->dump()));
    EXPECT_EQ((*eab)["signature"], "YgGlfdzIgbG_cIWGFh6ddfG_3wBc7RrfjLh5s_h_j7I");
    EXPECT_FALSE(external_account_binding(*jwk, "kid-1", {}, "https://ca.test/n").ok());
}

TEST(Jws, RefusesAnAccountKeyThatIsNotP256) {
    ossl::EvpPkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    ASSERT_TRUE(ed);
    EXPECT_FALSE(public_jwk(*ed).ok());
}

}  // namespace
}  // namespace dk::acme
