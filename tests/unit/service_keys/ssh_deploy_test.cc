// The SSH deployment's argv and remote script: fixed options, checked words only, key material on
// standard input. The script itself is run here by /bin/sh, as the remote shell would run it.
#include "service/keys/ssh_deploy.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "base/files.h"
#include "base/hex.h"
#include "base/process.h"

namespace dk::service {
namespace {

std::string sha256(const std::string& data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
    return to_hex(Bytes(digest, digest + size));
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

config::RemoteHostConfig host_in(const std::string& dir) {
    config::RemoteHostConfig h;
    h.name = "mx2";
    h.ssh_user = "dkremote";
    h.ssh_address = "192.0.2.25";
    h.port = 2222;
    h.identity_file = "/etc/danekeeper/ssh/id_ed25519";
    h.known_hosts = "/etc/danekeeper/ssh/known_hosts";
    h.key_file = dir + "/tls/key.pem";
    h.cert_file = dir + "/tls/chain.pem";
    h.key_mode = "0640";
    return h;
}

TEST(SshArgv, PinsTheHostKeyUsesTheKeyOnlyAndEndsOptionsBeforeTheTarget) {
    const auto h = host_in("/srv");
    const auto argv = ssh_argv(h, "SCRIPT");
    ASSERT_GE(argv.size(), 6u);
    EXPECT_EQ(argv[0], "/usr/bin/ssh");
    const auto has = [&](const std::string& option) {
        return std::find(argv.begin(), argv.end(), option) != argv.end();
    };
    for (const std::string option :
         {"BatchMode=yes", "IdentitiesOnly=yes", "IdentityAgent=none",
          "IdentityFile=/etc/danekeeper/ssh/id_ed25519", "StrictHostKeyChecking=yes",
          "UserKnownHostsFile=/etc/danekeeper/ssh/known_hosts", "GlobalKnownHostsFile=/dev/null",
          "UpdateHostKeys=no", "PasswordAuthentication=no", "KbdInteractiveAuthentication=no",
          "ConnectTimeout=10", "ControlPath=none", "ClearAllForwardings=yes"}) {
        EXPECT_TRUE(has(option)) << option;
    }
    // No user or system ssh_config takes part.
    EXPECT_EQ(argv[1], "-F");
    EXPECT_EQ(argv[2], "/dev/null");
    // The port, the user, the end of options, the address, the one command word.
    const std::size_t n = argv.size();
    const std::vector<std::string> tail(argv.end() - 7, argv.end());
    EXPECT_EQ(tail, (std::vector<std::string>{"-p", "2222", "-l", "dkremote", "--", "192.0.2.25",
                                              "SCRIPT"}));
    EXPECT_EQ(std::count(argv.begin(), argv.end(), "SCRIPT"), 1) << n;
}

TEST(RemoteScript, IsOurTextAndTheCheckedWordsOnly) {
    auto h = host_in("/etc/postfix");
    h.owner = "root";
    h.group = "postfix";
    h.reload = {{"/usr/bin/sudo", "-n", "/usr/sbin/postfix", "reload"}};
    const std::string digest(64, 'a');
    auto script = remote_deploy_script(h, 241, digest, 1502, digest);
    ASSERT_TRUE(script.ok()) << script.error().message;
    EXPECT_NE(script->find("take /etc/postfix/tls/key.pem.dk-new.$$ 241 " + digest),
              std::string::npos);
    EXPECT_NE(script->find("take /etc/postfix/tls/chain.pem.dk-new.$$ 1502 " + digest),
              std::string::npos);
    EXPECT_NE(script->find("chown -- root:postfix /etc/postfix/tls/key.pem.dk-new.$$"),
              std::string::npos);
    EXPECT_NE(script->find("chmod -- 0640 /etc/postfix/tls/key.pem.dk-new.$$"), std::string::npos);
    EXPECT_NE(script->find("mv -fT -- /etc/postfix/tls/key.pem.dk-new.$$ /etc/postfix/tls/key.pem"),
              std::string::npos);
    EXPECT_NE(script->find("\n/usr/bin/sudo -n /usr/sbin/postfix reload || fail 6"),
              std::string::npos);
    // No key material: only sizes and digests.
    EXPECT_EQ(script->find("PRIVATE KEY"), std::string::npos);
}

TEST(RemoteScript, RefusesWordsThatWouldNeedQuoting) {
    const std::string digest(64, 'a');
    const std::vector<std::function<void(config::RemoteHostConfig&)>> spoil = {
        [](auto& h) { h.key_file = "/etc/x/$(reboot)"; },
        [](auto& h) { h.cert_file = "/etc/x/a b"; },
        [](auto& h) { h.cert_file = "relative/chain.pem"; },
        [](auto& h) { h.key_file = "/etc/../shadow"; },
        [](auto& h) { h.owner = "root;id"; },
        [](auto& h) { h.group = "-R"; },
        [](auto& h) { h.key_mode = "a+rw"; },
        [](auto& h) {
            h.reload = {{"/usr/sbin/postfix", "reload`id`"}};
        },
        [](auto& h) {
            h.reload = {{"/usr/sbin/postfix", "x\ny"}};
        },
        [](auto& h) {
            h.reload = {{"postfix", "reload"}};
        },
        [](auto& h) { h.reload = {{}}; },
    };
    for (std::size_t i = 0; i < spoil.size(); ++i) {
        auto h = host_in("/srv");
        spoil[i](h);
        auto script = remote_deploy_script(h, 1, digest, 1, digest);
        ASSERT_FALSE(script.ok()) << i;
        EXPECT_EQ(script.error().kind, ErrorKind::bad_input) << i;
    }
    EXPECT_FALSE(remote_deploy_script(host_in("/srv"), 1, "$(id)", 1, digest).ok());
}

// The script as the remote shell runs it: /bin/sh -c SCRIPT with the files on standard input.
class RemoteScriptRun : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/dk-remote-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        ASSERT_EQ(::mkdir((dir_ + "/tls").c_str(), 0755), 0);
        host_ = host_in(dir_);
        host_.reload = {{"/usr/bin/touch", dir_ + "/reloaded"}};
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    process::Completion run(const std::string& key, const std::string& chain,
                            const std::string& sent) {
        auto script =
            remote_deploy_script(host_, key.size(), sha256(key), chain.size(), sha256(chain));
        EXPECT_TRUE(script.ok());
        auto done = process::run({.argv = {"/bin/sh", "-c", *script}, .input = sent});
        EXPECT_TRUE(done.ok());
        return *done;
    }
    bool exists(const std::string& name) { return std::filesystem::exists(dir_ + "/" + name); }
    // Staged or kept files of a run: none once it is over, whatever its outcome.
    std::string leftovers() {
        std::string names;
        for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/tls")) {
            const std::string name = entry.path().filename();
            if (name.find(".dk-") != std::string::npos) names += name + " ";
        }
        return names;
    }

    std::string dir_;
    config::RemoteHostConfig host_;
    const std::string key_ = "-----BEGIN PRIVATE KEY-----\nnew key\n-----END PRIVATE KEY-----\n";
    const std::string chain_ = "-----BEGIN CERTIFICATE-----\nnew\n-----END CERTIFICATE-----\n";
};

TEST_F(RemoteScriptRun, WritesBothFilesWithTheirModesThenReloads) {
    std::ofstream(dir_ + "/tls/key.pem") << "old key";
    std::ofstream(dir_ + "/tls/chain.pem") << "old chain";
    const auto done = run(key_, chain_, key_ + chain_);
    EXPECT_EQ(done.exit_code, 0) << done.err;
    EXPECT_EQ(read(dir_ + "/tls/key.pem"), key_);
    EXPECT_EQ(read(dir_ + "/tls/chain.pem"), chain_);
    struct stat st {};
    ASSERT_EQ(::stat((dir_ + "/tls/key.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
    ASSERT_EQ(::stat((dir_ + "/tls/chain.pem").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
    EXPECT_TRUE(exists("reloaded"));
    EXPECT_EQ(leftovers(), "");
    // Run again with the same files (a deployment cut off and resumed): the same result.
    ::unlink((dir_ + "/reloaded").c_str());
    EXPECT_EQ(run(key_, chain_, key_ + chain_).exit_code, 0);
    EXPECT_EQ(read(dir_ + "/tls/key.pem"), key_);
    EXPECT_TRUE(exists("reloaded"));
}

TEST_F(RemoteScriptRun, ShortOrCorruptedInputChangesNothing) {
    std::ofstream(dir_ + "/tls/key.pem") << "old key";
    std::ofstream(dir_ + "/tls/chain.pem") << "old chain";
    // The connection ends halfway through the chain (danekeeper killed while sending).
    const std::string cut = (key_ + chain_).substr(0, key_.size() + 10);
    auto done = run(key_, chain_, cut);
    EXPECT_EQ(done.exit_code, 3);
    EXPECT_NE(done.err.find("the chain arrived short or corrupted"), std::string::npos) << done.err;
    std::string flipped = key_ + chain_;
    flipped[5] ^= 1;
    done = run(key_, chain_, flipped);
    EXPECT_EQ(done.exit_code, 3);
    EXPECT_NE(done.err.find("the key arrived short or corrupted"), std::string::npos) << done.err;
    EXPECT_EQ(read(dir_ + "/tls/key.pem"), "old key");
    EXPECT_EQ(read(dir_ + "/tls/chain.pem"), "old chain");
    EXPECT_FALSE(exists("reloaded"));
    EXPECT_EQ(leftovers(), "");
}

// A run cut off by the connection's end (SIGHUP to the remote shell) removes what it staged.
TEST_F(RemoteScriptRun, AnInterruptedRunLeavesNothingStaged) {
    std::ofstream(dir_ + "/tls/key.pem") << "old key";
    host_.reload = {};
    auto script =
        remote_deploy_script(host_, key_.size(), sha256(key_), chain_.size(), sha256(chain_));
    ASSERT_TRUE(script.ok());
    // The shell is hung up on while it waits for the chain, which never comes.
    const std::string harness =
        "printf '%s' \"$2\" | { cat; sleep 1; } | /bin/sh -c \"$1\" & shell=$!; sleep 0.3; "
        "kill -HUP $shell; wait $shell";
    auto done = process::run({.argv = {"/bin/sh", "-c", harness, "harness", *script, key_},
                              .timeout = std::chrono::seconds(10)});
    ASSERT_TRUE(done.ok());
    EXPECT_EQ(done->exit_code, 7) << done->err;
    EXPECT_NE(done->err.find("danekeeper-remote: interrupted"), std::string::npos) << done->err;
    EXPECT_EQ(read(dir_ + "/tls/key.pem"), "old key");
    EXPECT_EQ(leftovers(), "");
}

TEST_F(RemoteScriptRun, AFailedReloadIsExitSixWithTheFilesInPlace) {
    host_.reload = {{"/bin/false"}};
    const auto done = run(key_, chain_, key_ + chain_);
    EXPECT_EQ(done.exit_code, 6);
    EXPECT_NE(done.err.find("reload /bin/false exited 1"), std::string::npos) << done.err;
    EXPECT_EQ(read(dir_ + "/tls/key.pem"), key_);
}

TEST_F(RemoteScriptRun, ARefusedOwnerChangesNothing) {
    if (::geteuid() == 0)
        host_.owner = "nobody-such-user-dk";  // root may chown to anyone
    else
        host_.owner = "root";
    const auto done = run(key_, chain_, key_ + chain_);
    EXPECT_EQ(done.exit_code, 4) << done.err;
    EXPECT_FALSE(exists("tls/key.pem"));
    EXPECT_EQ(leftovers(), "");
}

TEST(DeployToHost, AnUnreachableHostFailsNamingTheHost) {
    auto h = host_in("/srv");
    h.ssh_address = "127.0.0.1";
    h.port = 1;  // nothing listens: the connection is refused at once
    h.connect_timeout = 2;
    h.command_timeout = 10;
    auto done = deploy_to_host(h, "mx", "key", "chain");
    ASSERT_FALSE(done.ok());
    EXPECT_EQ(done.error().kind, ErrorKind::environment);
    EXPECT_NE(done.error().message.find("host mx2 (dkremote@127.0.0.1 port 1): ssh failed (ssh: "
                                        "connect to host 127.0.0.1 port 1: Connection refused)"),
              std::string::npos)
        << done.error().message;
}

}  // namespace
}  // namespace dk::service
