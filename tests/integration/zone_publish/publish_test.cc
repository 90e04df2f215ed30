// danekeeper publish against each of the testbed's signing primaries (BIND, Knot, PowerDNS):
// records added and removed through our code, checked with dig; foreign records untouched; wrong
// secrets and races refused. One suite, the primary its parameter.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "base/process.h"
#include "support/testbed_env.h"
#include "zone/publisher.h"

namespace dk::zone {
namespace {

const std::string kA = "3 1 1 " + std::string(64, 'a');
const std::string kB = "3 1 1 " + std::string(64, 'b');
const std::string kForeign = "2 1 1 " + std::string(64, 'c');

// A signing primary of the testbed: the env keys naming its zone and its address, and whether it
// names the TSIG error (BADSIG) when it rejects a signature (PowerDNS answers a bare NOTAUTH).
struct Primary {
    std::string name, zone_key, server_key;
    bool names_tsig_error = true;
    friend void PrintTo(const Primary& primary, std::ostream* os) { *os << primary.name; }
};

class PublishOnPrimary : public ::testing::TestWithParam<Primary> {
  protected:
    void SetUp() override {
        env_ = dk::testing::TestbedEnv::load();
        auto server = parse_host_port(env_.get(GetParam().server_key), 53);
        ASSERT_TRUE(server.ok());
        server_ = *server;
        zone_ = env_.get(GetParam().zone_key);
        if (zone_.empty() || zone_.back() != '.') zone_ += '.';
        owner_ = "_4242._tcp.publish-test." + zone_;
        char dir[] = "/tmp/dk_publish_XXXXXX";
        ASSERT_NE(mkdtemp(dir), nullptr);
        dir_ = dir;
    }
    void TearDown() override {  // every record this test may have added
        nsupdate("update delete " + owner_ + " TLSA\n");
        for (const char* f : {"/wrong.key", "/cmds"}) ::unlink((dir_ + f).c_str());
        ::rmdir(dir_.c_str());
    }

    // What the primary serves at the owner, as dig prints it (lower-cased, sorted).
    std::vector<std::string> dig() {
        auto r =
            process::run({{"/usr/bin/dig", "@" + server_.host, "-p", std::to_string(server_.port),
                           "+short", "+nosplit", owner_, "TLSA"}});
        EXPECT_TRUE(r.ok());
        std::vector<std::string> lines;
        std::istringstream in(r.ok() ? r->out : "");
        for (std::string line; std::getline(in, line);) {
            std::transform(line.begin(), line.end(), line.begin(), ::tolower);
            if (!line.empty()) lines.push_back(line);
        }
        std::sort(lines.begin(), lines.end());
        return lines;
    }

    void nsupdate(const std::string& commands) {
        std::ofstream(dir_ + "/cmds") << "server " << server_.host << " " << server_.port << "\n"
                                      << "zone " << zone_ << "\n"
                                      << commands << "send\n";
        auto r = process::run(
            {{"/usr/bin/nsupdate", "-k", env_.get("TB_TSIG_KEY_FILE"), dir_ + "/cmds"}});
        ASSERT_TRUE(r.ok());
        ASSERT_EQ(r->exit_code, 0) << r->err;
    }

    process::Completion publish(const std::string& key_file, std::vector<std::string> args) {
        std::vector<std::string> argv{dk::testing::TestbedEnv::danekeeper_bin(),
                                      "publish",
                                      "--zone",
                                      zone_,
                                      "--server",
                                      server_.to_string(),
                                      "--tsig-key",
                                      key_file};
        argv.insert(argv.end(), args.begin(), args.end());
        auto r = process::run({argv});
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : process::Completion{};
    }

    Rfc2136Publisher library_publisher() {
        auto key = load_tsig_key(env_.get("TB_TSIG_KEY_FILE"), std::nullopt);
        EXPECT_TRUE(key.ok());
        return Rfc2136Publisher({server_, key.ok() ? std::optional(*key) : std::nullopt});
    }

    dk::testing::TestbedEnv env_;
    HostPort server_;
    std::string zone_, owner_, dir_;
};

TEST_P(PublishOnPrimary, AddsAndRemovesOnlyItsOwnRecord) {
    nsupdate("update add " + owner_ + " 300 TLSA " + kForeign + "\n");
    auto add = publish(env_.get("TB_TSIG_KEY_FILE"), {"--add", owner_ + " 300 TLSA " + kA});
    ASSERT_EQ(add.exit_code, 0) << add.out << add.err;
    EXPECT_NE(add.out.find("outcome applied serial"), std::string::npos) << add.out;
    EXPECT_EQ(dig(), (std::vector<std::string>{kForeign, kA}));

    auto remove = publish(env_.get("TB_TSIG_KEY_FILE"), {"--remove", owner_ + " TLSA " + kA});
    ASSERT_EQ(remove.exit_code, 0) << remove.out << remove.err;
    EXPECT_EQ(dig(), std::vector<std::string>{kForeign});
}

TEST_P(PublishOnPrimary, RelativeOwnerDryRunChangesNothing) {
    const std::string relative = owner_.substr(0, owner_.size() - zone_.size() - 1);
    auto r = publish(env_.get("TB_TSIG_KEY_FILE"),
                     {"--add", relative + " 300 TLSA " + kA, "--dry-run", "--json"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("\"dry_run\":true"), std::string::npos);
    EXPECT_TRUE(dig().empty());
}

TEST_P(PublishOnPrimary, WrongSecretIsRejectedAndChangesNothing) {
    auto text = process::run({{"/bin/cat", env_.get("TB_TSIG_KEY_FILE")}});
    ASSERT_TRUE(text.ok());
    std::string key = text->out;
    const auto start = key.find("secret \"") + 8;
    key.replace(start, key.find('"', start) - start,
                "b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldC1vdGhlcg==");
    const std::string wrong = dir_ + "/wrong.key";
    std::ofstream(wrong) << key;
    ASSERT_EQ(::chmod(wrong.c_str(), 0600), 0);
    auto r = publish(wrong, {"--add", owner_ + " 300 TLSA " + kA});
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("rejected our TSIG signature"), std::string::npos) << r.err;
    if (GetParam().names_tsig_error) {
        EXPECT_NE(r.err.find("BADSIG"), std::string::npos) << r.err;
    }
    EXPECT_EQ(r.err.find("b3RoZXItc2VjcmV0"), std::string::npos);
    EXPECT_TRUE(dig().empty());
}

TEST_P(PublishOnPrimary, HmacSha512KeyWorks) {
    const std::string file = env_.get("TB_TSIG_SHA512_KEY_FILE");
    auto add = publish(file, {"--add", owner_ + " 300 TLSA " + kB});
    ASSERT_EQ(add.exit_code, 0) << add.err;
    EXPECT_EQ(dig(), std::vector<std::string>{kB});
    auto remove = publish(file, {"--remove", owner_ + " TLSA " + kB});
    ASSERT_EQ(remove.exit_code, 0) << remove.err;
    EXPECT_TRUE(dig().empty());
}

TEST_P(PublishOnPrimary, ConcurrentChangeFailsThePrerequisiteThenReplanSucceeds) {
    auto publisher = library_publisher();
    auto seen = publisher.read_rrset(owner_, LDNS_RR_TYPE_TLSA);
    ASSERT_TRUE(seen.ok()) << seen.error().message;
    ZoneChange change{zone_, {{ChangeAction::add, owner_, LDNS_RR_TYPE_TLSA, 300, kA}}, {*seen}};
    nsupdate("update add " + owner_ + " 300 TLSA " + kForeign + "\n");  // between read and update

    auto first = publisher.apply(change);
    ASSERT_TRUE(first.ok());
    EXPECT_EQ(first->outcome, UpdateOutcome::prerequisite_failed) << first->message;
    EXPECT_EQ(dig(), std::vector<std::string>{kForeign});

    auto reread = publisher.read_rrset(owner_, LDNS_RR_TYPE_TLSA);
    ASSERT_TRUE(reread.ok());
    change.expected = {*reread};
    auto second = publisher.apply(change);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->outcome, UpdateOutcome::applied) << second->message;
    EXPECT_TRUE(second->confirmed);
    EXPECT_TRUE(second->serial.has_value());
    EXPECT_EQ(dig(), (std::vector<std::string>{kForeign, kA}));
}

INSTANTIATE_TEST_SUITE_P(
    Primary, PublishOnPrimary,
    ::testing::Values(Primary{"BIND", "TB_ZONE", "TB_PRIMARY"},
                      Primary{"Knot", "TB_KNOT_PRIMARY_ZONE", "TB_KNOT_PRIMARY"},
                      Primary{"PowerDNS", "TB_PDNS_ZONE", "TB_PDNS_PRIMARY", false}),
    [](const auto& param_info) { return param_info.param.name; });

}  // namespace
}  // namespace dk::zone
