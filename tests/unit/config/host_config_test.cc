// [[host]] tables and the slots naming them: every word that reaches the remote shell is one it
// reads as itself, and config check looks at the login key and the pinned host key.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "base/process.h"
#include "config/config.h"

namespace dk::config {
namespace {

const std::string base = R"([[zone]]
name = "example.net"
primary = "192.0.2.53"
tsig_key_file = "/etc/dk/tsig.key"
[[key]]
name = "mx-ecdsa"
endpoints = ["mx1.example.net:25", "mx2.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/bin/true", "{csr}"]
hosts = ["mx2"]
)";

const std::string host = R"([[host]]
name = "mx2"
ssh_target = "danekeeper@192.0.2.25"
identity_file = "/etc/danekeeper/ssh/id_ed25519"
known_hosts = "/etc/danekeeper/ssh/known_hosts"
key_file = "/etc/postfix/tls/{slot}.key.pem"
cert_file = "/etc/postfix/tls/{slot}.chain.pem"
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos)
        ADD_FAILURE() << "test bug: no '" << from << "' in the text";
    else
        text.replace(at, from.size(), to);
    return text;
}

std::string problems(const std::string& text) {
    auto c = parse_config(text, "dk.toml");
    return c.ok() ? "" : c.error().message;
}

TEST(HostConfig, ParsesAHostAndResolvesItForTheSlot) {
    auto c = parse_config(base + host +
                              "port = 2222\nowner = \"root\"\ngroup = \"Debian-exim\"\n"
                              "key_mode = \"0640\"\nreload = [[\"/usr/bin/sudo\", \"-n\", "
                              "\"/usr/sbin/postfix\", \"reload\"]]\nconnect_timeout = 5\n",
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_EQ(c->hosts.size(), 1u);
    const RemoteHostConfig& h = c->hosts[0];
    EXPECT_EQ(h.ssh_user, "danekeeper");
    EXPECT_EQ(h.ssh_address, "192.0.2.25");
    EXPECT_EQ(h.port, 2222);
    EXPECT_EQ(h.owner, "root");
    EXPECT_EQ(h.group, "Debian-exim");
    EXPECT_EQ(h.key_mode, "0640");
    EXPECT_EQ(h.connect_timeout, 5);
    EXPECT_EQ(h.command_timeout, 120);
    const SlotConfig* slot = c->slot("mx-ecdsa");
    ASSERT_EQ(slot->remote_hosts.size(), 1u);
    EXPECT_EQ(slot->remote_hosts[0].key_file, "/etc/postfix/tls/mx-ecdsa.key.pem");
    EXPECT_EQ(slot->remote_hosts[0].cert_file, "/etc/postfix/tls/mx-ecdsa.chain.pem");
    EXPECT_EQ(slot->remote_hosts[0].reload.at(0).at(3), "reload");
}

TEST(HostConfig, DefaultsAreTheSchemas) {
    auto c = parse_config(base + host, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->hosts[0].port, 22);
    EXPECT_EQ(c->hosts[0].key_mode, "0600");
    EXPECT_EQ(c->hosts[0].connect_timeout, 10);
    EXPECT_FALSE(c->hosts[0].owner);
    EXPECT_TRUE(c->hosts[0].reload.empty());
}

TEST(HostConfig, EachBadValueNamesFileLineAndField) {
    struct Case {
        std::string from, to, expected;
    };
    const std::vector<Case> cases = {
        {"danekeeper@192.0.2.25", "192.0.2.25",
         "dk.toml:14: host[0].ssh_target: must be user@address"},
        {"danekeeper@192.0.2.25", "-oProxyCommand=x@h",
         "host[0].ssh_target: '-oProxyCommand=x' is not a user name"},
        {"danekeeper@192.0.2.25", "dk@-oProxyCommand=x", "neither an IP address nor a host name"},
        {"danekeeper@192.0.2.25", "dk@host;reboot", "neither an IP address nor a host name"},
        {"/etc/postfix/tls/{slot}.key.pem", "/etc/postfix/tls/$(reboot).pem",
         "host[0].key_file: '/etc/postfix/tls/$(reboot).pem' must be an absolute path of letters"},
        {"/etc/postfix/tls/{slot}.key.pem", "/etc/postfix/tls/a b.pem", "host[0].key_file"},
        {"/etc/postfix/tls/{slot}.key.pem", "/etc/postfix/../shadow", "without . or .. components"},
        {"/etc/postfix/tls/{slot}.key.pem", "tls/key.pem",
         "host[0].key_file: must be an absolute path"},
        {"/etc/postfix/tls/{slot}.chain.pem", "/etc/postfix/tls/{slot}.key.pem",
         "host[0].key_file: must differ from cert_file"},
        {"/etc/danekeeper/ssh/id_ed25519", "/home/%u/id",
         "host[0].identity_file: '/home/%u/id' must be a path"},
        {"/etc/danekeeper/ssh/known_hosts", "/etc/kh\\nx", "host[0].known_hosts"},
    };
    for (const auto& c : cases) {
        const std::string text = with(base + host, c.from, c.to);
        EXPECT_NE(problems(text).find(c.expected), std::string::npos)
            << c.to << " gave: " << problems(text);
    }
    const std::vector<std::pair<std::string, std::string>> added = {
        {"owner = \"root;id\"\n", "host[0].owner: 'root;id' is not a user or group name"},
        {"group = \"-x\"\n", "host[0].group: '-x' is not a user or group name"},
        {"key_mode = \"0666\"\n", "host[0].key_mode: must be one of"},
        {"port = 0\n", "host[0].port: must be between 1 and 65535"},
        {"reload = [[\"/usr/sbin/postfix\", \"reload; rm -rf /\"]]\n",
         "host[0].reload: 'reload; rm -rf /' needs quoting in the remote shell"},
        {"reload = [[\"postfix\", \"reload\"]]\n", "host[0].reload: must be a list of argv lists"},
        {"reload = [[\"/bin/echo\", \"\"]]\n", "host[0].reload: '' needs quoting"},
        {"command_timeout = 10\n", "host[0].command_timeout: must be longer than connect_timeout"},
        {"user = \"x\"\n", "host[0].user: unknown key"},
    };
    for (const auto& [line, expected] : added) {
        EXPECT_NE(problems(base + host + line).find(expected), std::string::npos)
            << line << " gave: " << problems(base + host + line);
    }
}

TEST(HostConfig, SlotsNameExistingHostsAndNeverShareAFile) {
    EXPECT_NE(problems(with(base + host, "hosts = [\"mx2\"]", "hosts = [\"mx3\"]"))
                  .find("dk.toml:5: key[0].hosts: no [[host]] named 'mx3'"),
              std::string::npos);
    EXPECT_NE(problems(with(base + host, "hosts = [\"mx2\"]", "hosts = [\"mx2\", \"mx2\"]"))
                  .find("names 'mx2' twice"),
              std::string::npos);
    EXPECT_NE(problems(base + host + host).find("host[1].name: duplicate host name 'mx2'"),
              std::string::npos);
    // Two slots on one host: their files differ by {slot}; a fixed path would be shared.
    const std::string second = R"([[key]]
name = "mx-rsa"
algorithm = "rsa-2048"
endpoints = ["mx2.example.net:25"]
cert_file = "/etc/postfix/rsa-chain.pem"
key_file = "/etc/postfix/rsa-key.pem"
issue_command = ["/bin/true", "{csr}"]
hosts = ["mx2"]
)";
    EXPECT_EQ(problems(base + second + host), "");
    EXPECT_NE(problems(with(base + second + host, "/etc/postfix/tls/{slot}.key.pem",
                            "/etc/postfix/tls/key.pem"))
                  .find("two slots would write /etc/postfix/tls/key.pem on host mx2"),
              std::string::npos);
}

class HostFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-hostcfg-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_EQ(::chmod(dir_.c_str(), 0755), 0);
        tsig_ = dir_ + "/tsig.key";
        std::ofstream(tsig_) << "key \"dk\" { algorithm hmac-sha256; secret \"AAAA\"; };\n";
        ASSERT_EQ(::chmod(tsig_.c_str(), 0600), 0);
        identity_ = dir_ + "/id";
        auto made = process::run(
            {.argv = {"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", identity_}});
        ASSERT_TRUE(made.ok() && made->exit_code == 0);
        auto pub = std::ifstream(identity_ + ".pub");
        std::string type, key;
        pub >> type >> key;
        known_hosts_ = dir_ + "/known_hosts";
        std::ofstream(known_hosts_) << "[192.0.2.25]:2222 " << type << " " << key << "\n";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::string check(const std::string& port) {
        std::string text = with(base + host + "port = " + port + "\n", "/etc/dk/tsig.key", tsig_);
        text = with(text, "/etc/danekeeper/ssh/id_ed25519", identity_);
        text = with(text, "/etc/danekeeper/ssh/known_hosts", known_hosts_);
        auto c = parse_config(text, "dk.toml");
        EXPECT_TRUE(c.ok()) << c.error().message;
        auto s = check_files(*c);
        if (s.ok()) return "";
        std::string hosts_only;  // the served directories do not exist here
        for (std::size_t at = 0; at < s.error().message.size();) {
            const auto end = s.error().message.find('\n', at);
            const std::string line = s.error().message.substr(at, end - at);
            if (line.find(": host ") != std::string::npos) hosts_only += line + "\n";
            at = end == std::string::npos ? end : end + 1;
        }
        return hosts_only;
    }

    std::string dir_, tsig_, identity_, known_hosts_;
};

TEST_F(HostFilesTest, PinnedHostKeyAndPrivateIdentityPass) {
    EXPECT_EQ(check("2222"), "");
}

TEST_F(HostFilesTest, KnownHostsWithoutTheHostIsRefused) {
    EXPECT_NE(check("22").find("host mx2: known_hosts: " + known_hosts_ +
                               " holds no key for 192.0.2.25 (pin it"),
              std::string::npos)
        << check("22");
}

TEST_F(HostFilesTest, HashedKnownHostsEntriesAreFound) {
    auto hashed = process::run({.argv = {"/usr/bin/ssh-keygen", "-H", "-f", known_hosts_}});
    ASSERT_TRUE(hashed.ok() && hashed->exit_code == 0);
    EXPECT_EQ(check("2222"), "");
}

TEST_F(HostFilesTest, IdentityReadableByOthersOrMissingKnownHostsAreRefused) {
    ASSERT_EQ(::chmod(identity_.c_str(), 0644), 0);
    EXPECT_NE(check("2222").find("host mx2: identity_file: "), std::string::npos);
    std::filesystem::remove(known_hosts_);
    EXPECT_NE(check("2222").find("host mx2: known_hosts: "), std::string::npos);
}

}  // namespace
}  // namespace dk::config
