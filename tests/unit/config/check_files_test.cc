// check_files: the pass that looks at the file system (kept apart from pure parsing).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "config/config.h"

namespace dk::config {
namespace {

class CheckFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-config-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        key_ = dir_ + "/tsig.key";
        std::ofstream(key_) << "key \"dk\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
        ASSERT_EQ(::chmod(key_.c_str(), 0600), 0);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Config config(const std::string& reload = "/bin/true") {
        auto c = parse_config(R"([[zone]]
name = "example.net"
primary = "192.0.2.53"
tsig_key_file = ")" + key_ + R"("
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/c.pem"
key_file = "/k.pem"
reload = [[")" + reload + R"("]]
issue_command = ["/bin/true", "{csr}"]
)",
                              "dk.toml");
        EXPECT_TRUE(c.ok()) << c.error().message;
        return *c;
    }
    std::string dir_;
    std::string key_;
};

TEST_F(CheckFilesTest, PrivateKeyFileAndRealProgramsPass) {
    auto s = check_files(config());
    EXPECT_TRUE(s.ok()) << s.error().message;
}

TEST_F(CheckFilesTest, ReadableTsigKeyIsRefused) {
    ASSERT_EQ(::chmod(key_.c_str(), 0644), 0);
    auto s = check_files(config());
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::bad_input);
    EXPECT_NE(s.error().message.find("dk.toml: zone example.net.: tsig_key_file: "),
              std::string::npos)
        << s.error().message;
}

TEST_F(CheckFilesTest, MissingFilesAreAllReported) {
    std::filesystem::remove(key_);
    auto s = check_files(config(dir_ + "/no-such-reload"));
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("tsig_key_file"), std::string::npos) << s.error().message;
    EXPECT_NE(
        s.error().message.find("key mx: reload: " + dir_ + "/no-such-reload is not executable"),
        std::string::npos)
        << s.error().message;
}

TEST_F(CheckFilesTest, ServedFilesNeedTheirDirectory) {
    Config c = config();
    c.slots[0].cert_file = dir_ + "/served/chain.pem";
    c.slots[0].key_file = dir_ + "/tsig.key/key.pem";  // a file where the directory should be
    auto s = check_files(c);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().kind, ErrorKind::bad_input);
    EXPECT_NE(s.error().message.find("dk.toml: key mx: cert_file: " + dir_ +
                                     "/served is not a directory"),
              std::string::npos)
        << s.error().message;
    EXPECT_NE(s.error().message.find("dk.toml: key mx: key_file: " + dir_ +
                                     "/tsig.key is not a directory"),
              std::string::npos)
        << s.error().message;
    std::filesystem::create_directory(dir_ + "/served");
    c.slots[0].key_file = dir_ + "/served/key.pem";
    c.slots[0].combined_file = dir_ + "/gone/combined.pem";
    s = check_files(c);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message,
              "dk.toml: key mx: combined_file: " + dir_ + "/gone is not a directory");
}

// The configuration names programs we run: one that others may write is refused as it is read.
TEST_F(CheckFilesTest, ConfigurationWritableByOthersIsRefused) {
    const std::string path = dir_ + "/dk.toml";
    std::ofstream(path) << "[[zone]]\nname = \"example.net\"\npublisher = \"rfc2136\"\n"
                        << "primary = \"192.0.2.53\"\ntsig_key_file = \"" << key_ << "\"\n";
    ASSERT_EQ(::chmod(path.c_str(), 0664), 0);
    EXPECT_TRUE(load_config(path).ok());
    ASSERT_EQ(::chmod(path.c_str(), 0666), 0);
    auto c = load_config(path);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().kind, ErrorKind::bad_input);
    EXPECT_EQ(c.error().message, path + ": writable by others (mode 0666); chmod o-w it");
}

TEST_F(CheckFilesTest, AcmeFilesAreChecked) {
    const std::string eab = dir_ + "/eab.key";
    std::ofstream(eab) << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8\n";
    ASSERT_EQ(::chmod(eab.c_str(), 0600), 0);
    Config c = config();
    c.acme = AcmeConfig{};
    c.acme->eab_key_file = eab;
    c.acme->ca_bundle = key_;  // any readable file
    auto ok = check_files(c);
    EXPECT_TRUE(ok.ok()) << ok.error().message;
    ASSERT_EQ(::chmod(eab.c_str(), 0640), 0);
    c.acme->issuer_ca_file = dir_ + "/no-such-roots.pem";
    c.acme->webroot = dir_ + "/no-such-webroot";
    auto s = check_files(c);
    ASSERT_FALSE(s.ok());
    EXPECT_NE(s.error().message.find("dk.toml: acme.eab_key_file: "), std::string::npos)
        << s.error().message;
    EXPECT_NE(
        s.error().message.find("acme.issuer_ca_file: " + dir_ + "/no-such-roots.pem: cannot open"),
        std::string::npos)
        << s.error().message;
    EXPECT_NE(
        s.error().message.find("acme.webroot: " + dir_ + "/no-such-webroot is not a writable"),
        std::string::npos)
        << s.error().message;
}

// Slots that share files are each told of their problem, though each path is looked at once.
TEST_F(CheckFilesTest, SlotsSharingAFileEachReportIt) {
    Config c = config();
    c.slots[0].cert_file = dir_ + "/gone/chain.pem";
    c.slots[0].key_file = dir_ + "/gone/key.pem";
    c.slots[0].issue_command = {dir_ + "/no-such-issuer", "{csr}"};
    c.slots[0].issuer_ca_file = dir_ + "/no-such-ca.pem";
    c.slots[0].reload.clear();
    c.slots.push_back(c.slots[0]);
    c.slots[1].name = "mx2";
    auto s = check_files(c);
    ASSERT_FALSE(s.ok());
    std::string want;
    for (const std::string slot : {"mx", "mx2"}) {
        const std::string key = "dk.toml: key " + slot + ": ";
        want += (want.empty() ? "" : "\n") + key + "cert_file: " + dir_ +
                "/gone is not a directory\n" + key + "key_file: " + dir_ +
                "/gone is not a directory\n" + key + "issue_command: " + dir_ +
                "/no-such-issuer is not executable\n" + key + "issuer_ca_file: " + dir_ +
                "/no-such-ca.pem: cannot open: No such file or directory";
    }
    EXPECT_EQ(s.error().message, want);
}

}  // namespace
}  // namespace dk::config
