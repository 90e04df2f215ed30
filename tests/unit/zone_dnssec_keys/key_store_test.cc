// The key store: keys of every algorithm made, written (0600, never overwritten), loaded back,
// readable by ldns the way ldns-signzone reads them, and refused when tampered with.
#include "zone/dnssec_keys/key_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "base/ldns_handles.h"

namespace dk::zone::dnssec_keys {
namespace {

const TimePoint t0 = from_unix_seconds(1'800'000'000);

class KeyStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-keystore-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(root_); }
    KeyStore store() {
        auto s = KeyStore::open(key_directory(root_, "Example.Test."), "example.test");
        EXPECT_TRUE(s.ok()) << s.error().message;
        return std::move(*s);
    }
    std::string root_;
};

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 0777;
}

TEST_F(KeyStoreTest, GeneratesLoadsAndLdnsReadsEveryAlgorithm) {
    const KeyStore s = store();
    EXPECT_EQ(s.dir(), root_ + "/dnssec/example.test");
    EXPECT_EQ(mode_of(s.dir()), 0700U);
    std::vector<KeyRecord> made;
    for (const auto alg :
         {sign::Algorithm::ecdsap256sha256, sign::Algorithm::ed25519, sign::Algorithm::rsasha256}) {
        for (const auto role : {Role::ksk, Role::zsk}) {
            auto rec = s.generate(alg, role, made, t0);
            ASSERT_TRUE(rec.ok()) << rec.error().message;
            EXPECT_EQ(rec->state, KeyState::generated);
            EXPECT_EQ(rec->algorithm, static_cast<std::uint8_t>(alg));
            const std::string base = s.base_path(*rec);
            EXPECT_EQ(mode_of(base + ".private"), 0600U);
            auto key = s.load(*rec);
            ASSERT_TRUE(key.ok()) << key.error().message;
            EXPECT_EQ(key->dnskey().rdata(), rec->dnskey_rdata);
            EXPECT_EQ(key->tag(), rec->tag);
            EXPECT_EQ(key->dnskey().is_sep(), role == Role::ksk);
            // ldns (ldns-signzone's reader) takes our .private and derives the same public key.
            FILE* fp = std::fopen((base + ".private").c_str(), "r");
            ASSERT_NE(fp, nullptr);
            ldns_key* raw = nullptr;
            const ldns_status st = ldns_key_new_frm_fp(&raw, fp);
            std::fclose(fp);
            ldns::KeyPtr lkey(raw);
            ASSERT_EQ(st, LDNS_STATUS_OK) << ldns_get_errorstr_by_id(st);
            ldns_key_set_flags(lkey.get(), role == Role::ksk ? 257 : 256);
            ldns::RrPtr rr(ldns_key2rr(lkey.get()));
            ASSERT_TRUE(rr);
            const ldns_rdf* pub = ldns_rr_rdf(rr.get(), 3);
            EXPECT_EQ(
                std::string(reinterpret_cast<const char*>(ldns_rdf_data(pub)), ldns_rdf_size(pub)),
                rec->dnskey_rdata.substr(4));
            made.push_back(*rec);
        }
    }
    for (std::size_t i = 0; i < made.size(); ++i) {
        for (std::size_t j = i + 1; j < made.size(); ++j) EXPECT_NE(made[i].tag, made[j].tag);
    }
}

TEST_F(KeyStoreTest, RemovesTheFilesOfAKeyNotRecorded) {
    const KeyStore s = store();
    auto rec = s.generate(sign::Algorithm::ecdsap256sha256, Role::zsk, {}, t0).value();
    ASSERT_TRUE(std::filesystem::exists(s.base_path(rec) + ".private"));
    s.remove_files(rec);
    EXPECT_FALSE(std::filesystem::exists(s.base_path(rec) + ".private"));
    EXPECT_FALSE(std::filesystem::exists(s.base_path(rec) + ".key"));
}

TEST_F(KeyStoreTest, RefusesAPrivateFileOthersCanRead) {
    const KeyStore s = store();
    auto rec = s.generate(sign::Algorithm::ecdsap256sha256, Role::zsk, {}, t0).value();
    ASSERT_EQ(::chmod((s.base_path(rec) + ".private").c_str(), 0640), 0);
    auto key = s.load(rec);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().kind, ErrorKind::bad_input);
}

TEST_F(KeyStoreTest, RefusesKeyFilesThatDoNotHoldTheRecordedKey) {
    const KeyStore s = store();
    auto rec = s.generate(sign::Algorithm::ecdsap256sha256, Role::zsk, {}, t0).value();
    KeyRecord other = rec;
    other.dnskey_rdata.back() = static_cast<char>(other.dnskey_rdata.back() ^ 1);
    auto key = s.load(other);
    ASSERT_FALSE(key.ok());
    EXPECT_NE(key.error().message.find("does not hold"), std::string::npos) << key.error().message;
    KeyRecord missing = rec;
    missing.tag = static_cast<std::uint16_t>(rec.tag + 1);
    EXPECT_FALSE(s.load(missing).ok());
}

TEST_F(KeyStoreTest, RefusesADirectoryOpenToOthers) {
    const std::string dir = root_ + "/open";
    ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
    ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
    auto s = KeyStore::open(dir, "example.test.");
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::bad_input);
}

TEST(KeyDirectory, NamesTheZoneWithoutItsDot) {
    EXPECT_EQ(key_directory("/var/lib/dk", "Example.Test."), "/var/lib/dk/dnssec/example.test");
    EXPECT_EQ(key_directory("/var/lib/dk", "."), "/var/lib/dk/dnssec/root");
}

}  // namespace
}  // namespace dk::zone::dnssec_keys
