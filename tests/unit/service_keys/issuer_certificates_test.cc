// issuer_certificates: each file is hostile input. A CA certificate gives the SHA-256 of its
// SubjectPublicKeyInfo (the 2 1 1 data, computed here independently from the key); anything else
// is one line naming the file and the reason.
#include "service/keys/issuer_certificates.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "test_ca.h"

namespace dk::service {
namespace {

using testing::make_ca;

// SHA-256 over i2d_PUBKEY, as `openssl x509 -pubkey | openssl pkey -pubin -outform DER |
// sha256sum` computes it.
Bytes independent_spki_sha256(EVP_PKEY& key) {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(&key, &der);
    Bytes digest(32);
    unsigned int out = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), digest.data(), &out, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    return digest;
}

class IssuerCertificatesTest : public ::testing::Test {
  protected:
    IssuerCertificatesTest() {
        char tmpl[] = "/tmp/dk-issuers-XXXXXX";
        dir_ = ::mkdtemp(tmpl);
        slot_.name = "mx";
    }
    ~IssuerCertificatesTest() override { std::filesystem::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        const std::string path = dir_ + "/" + name;
        std::ofstream(path) << text;
        return path;
    }
    std::string load_error(const std::string& path) {
        slot_.issuer_certificates = {path};
        auto got = load_issuer_certificates(slot_);
        return got.ok() ? "" : got.error().message;
    }

    std::string dir_;
    config::SlotConfig slot_;
};

TEST_F(IssuerCertificatesTest, CaCertificateGivesItsSpkiDigest) {
    const auto r10 = make_ca("R10");
    const auto r11 = make_ca("R11");
    slot_.issuer_certificates = {write("r10.pem", r10.pem), write("r11.pem", r11.pem),
                                 write("r10-again.pem", r10.pem)};
    auto got = load_issuer_certificates(slot_);
    ASSERT_TRUE(got.ok()) << got.error().message;
    ASSERT_EQ(got->size(), 3u);
    EXPECT_EQ((*got)[0].spki_sha256, independent_spki_sha256(*r10.key));
    EXPECT_EQ((*got)[1].spki_sha256, independent_spki_sha256(*r11.key));
    EXPECT_NE((*got)[0].subject.find("R10"), std::string::npos);
    // One record per CA key.
    EXPECT_EQ(issuer_digests(*got),
              (std::vector<Bytes>{(*got)[0].spki_sha256, (*got)[1].spki_sha256}));
}

TEST_F(IssuerCertificatesTest, BadFilesAreOneLineNamingTheFile) {
    const auto ca = make_ca("R10");
    testing::LeafSpec spec{
        {"mx1.example.test"}, from_unix_seconds(1'700'000'000), from_unix_seconds(1'900'000'000)};
    const std::string leaf_chain = testing::issue_chain(ca, *ca.key, spec);
    const std::string leaf_only =
        leaf_chain.substr(0, leaf_chain.find("-----END CERTIFICATE-----") +
                                 std::string("-----END CERTIFICATE-----\n").size());
    const std::vector<std::pair<std::string, std::string>> cases{
        {write("leaf.pem", leaf_only), "not a CA certificate (no basicConstraints CA:TRUE)"},
        {write("chain.pem", leaf_chain), "holds 2 certificates; give one CA certificate per file"},
        {write("garbage.pem", "not a certificate\n"), "no PEM certificate found"},
        {write("empty.pem", ""), "no PEM certificate found"},
        {write("truncated.pem", ca.pem.substr(0, ca.pem.size() / 2)), "no PEM certificate found"},
        {dir_ + "/missing.pem", "missing.pem"},
        {dir_, dir_},  // a directory
        {write("huge.pem", std::string(2 * 1024 * 1024, 'A')), "huge.pem"},
    };
    for (const auto& [path, reason] : cases) {
        const std::string message = load_error(path);
        EXPECT_EQ(message.rfind("key mx: issuer_certificates: ", 0), 0u) << path << ": " << message;
        EXPECT_NE(message.find(reason), std::string::npos) << path << ": " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    }
}

// The check over every slot parses a file the slots share once, and still names the first slot
// that names a bad one, as loading slot by slot does.
TEST_F(IssuerCertificatesTest, TheCheckOverAllSlotsAnswersAsEachSlotsLoad) {
    const auto r10 = make_ca("R10");
    config::Config config;
    for (const std::string name : {"a", "b", "c"}) {
        config::SlotConfig slot;
        slot.name = name;
        slot.issuer_certificates = {write("r10.pem", r10.pem)};
        config.slots.push_back(slot);
    }
    EXPECT_TRUE(check_issuer_certificates(config).ok());
    config.slots[1].issuer_certificates.push_back(write("garbage.pem", "not a certificate\n"));
    config.slots[2].issuer_certificates = config.slots[1].issuer_certificates;
    const auto checked = check_issuer_certificates(config);
    ASSERT_FALSE(checked.ok());
    const auto slot_b = load_issuer_certificates(config.slots[1]);
    ASSERT_FALSE(slot_b.ok());
    EXPECT_EQ(checked.error().message, slot_b.error().message);
    EXPECT_EQ(checked.error().kind, slot_b.error().kind);
    EXPECT_EQ(checked.error().message.rfind("key b: issuer_certificates: ", 0), 0u);
}

}  // namespace
}  // namespace dk::service
