#include "config/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace dk::config {
namespace {

const std::string valid = R"(state_dir = "/var/lib/dk"
[dns]
resolver = "127.0.0.1:53"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
tlsa_ttl = 300
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25", "mx1.example.net:465"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
reload = [["/usr/sbin/postfix", "reload"]]
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

std::string with(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    if (at == std::string::npos)
        ADD_FAILURE() << "test bug: no '" << from << "' in the text";
    else
        text.replace(at, from.size(), to);
    return text;
}

std::string read_source_file(const std::string& relative) {
    std::ifstream in(std::string(DK_SOURCE_DIR) + "/" + relative);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(Config, ParsesTheDocumentedShape) {
    auto c = parse_config(valid, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->state_dir, "/var/lib/dk");
    EXPECT_EQ(c->resolver->to_string(), "127.0.0.1:53");
    ASSERT_EQ(c->zones.size(), 1u);
    EXPECT_EQ(c->zones[0].name, "example.net.");
    EXPECT_EQ(c->zones[0].publisher, "rfc2136");
    EXPECT_EQ(c->zones[0].tlsa_ttl, 300u);
    EXPECT_TRUE(c->zones[0].authoritative.empty());
    const SlotConfig* slot = c->slot("mx");
    ASSERT_NE(slot, nullptr);
    EXPECT_EQ(slot->zone, "example.net.");
    EXPECT_EQ(slot->algorithm, "ecdsa-p256");
    ASSERT_EQ(slot->endpoints.size(), 2u);
    EXPECT_EQ(slot->endpoints[1].start, TlsStart::implicit);
    EXPECT_EQ(slot->reload.at(0).at(1), "reload");
    EXPECT_EQ(slot->issue_command.at(1), "{csr}");
    EXPECT_EQ(slot->renew_before_days, 30);
    EXPECT_EQ(slot->rollover_every_days, 365);
    EXPECT_EQ(slot->margin_seconds, 900);
    EXPECT_EQ(c->slot("nope"), nullptr);
}

TEST(Config, OptionalKeysAreRead) {
    auto c = parse_config(
        with(with(valid, "tlsa_ttl = 300", R"(tlsa_ttl = 300
tsig_key_name = "dk"
authoritative = ["192.0.2.53", "[2001:db8::53]:5353"])"),
             "reload =", R"(addresses = { "mx1.example.net" = ["192.0.2.25", "2001:db8::25"] }
combined_file = "/etc/postfix/combined.pem"
algorithm = "rsa-3072"
margin_seconds = 0
reload =)"),
        "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->zones[0].tsig_key_name, std::optional<std::string>("dk"));
    ASSERT_EQ(c->zones[0].authoritative.size(), 2u);
    EXPECT_EQ(c->zones[0].authoritative[1].port, 5353);
    const SlotConfig& s = c->slots.at(0);
    EXPECT_EQ(s.addresses.at("mx1.example.net.").at(1), "2001:db8::25");
    EXPECT_EQ(s.combined_file, std::optional<std::string>("/etc/postfix/combined.pem"));
    EXPECT_EQ(s.algorithm, "rsa-3072");
    EXPECT_EQ(s.margin_seconds, 0);
}

void expect_problem(const std::string& text, const std::string& needle) {
    auto c = parse_config(text, "dk.toml");
    ASSERT_FALSE(c.ok()) << "accepted: " << text;
    EXPECT_EQ(c.error().kind, ErrorKind::bad_input);
    EXPECT_NE(c.error().message.find(needle), std::string::npos) << c.error().message;
}

struct Breakage {
    std::string from;
    std::string to;
    std::string expected;  // FILE:LINE: FIELD: problem, or the part of it that matters
};

TEST(Config, EachFieldsProblemNamesFileLineAndField) {
    const std::vector<Breakage> cases{
        {"\"/var/lib/dk\"", "\"var/lib/dk\"", "dk.toml:1: state_dir: must be an absolute path"},
        {"\"127.0.0.1:53\"", "\"127.0.0.1:99999\"", "dk.toml:3: dns.resolver: "},
        {"resolver =", "resolvr =", "dk.toml:3: dns.resolvr: unknown key"},
        {"[dns]\n", "[dns]\ntrust_anchor_file = 7\n",
         "dk.toml:3: dns.trust_anchor_file: must be a string"},
        {"\"example.net\"", "\"exa mple.net\"", "dk.toml:5: zone[0].name: 'exa mple.net' is not"},
        {"name = \"example.net\"\n", "", "dk.toml:4: zone[0].name: is required"},
        {"primary =", "publisher = \"nsupdate\"\nprimary =",
         "dk.toml:6: zone[0].publisher: must be \"rfc2136\""},
        {"primary = \"192.0.2.53:53\"\n", "", "dk.toml:4: zone[0].primary: is required"},
        {"\"192.0.2.53:53\"", "\"192.0.2.53:0\"", "dk.toml:6: zone[0].primary: "},
        {"\"/etc/dk/example.net.key\"", "\"example.net.key\"",
         "dk.toml:7: zone[0].tsig_key_file: must be an absolute path"},
        {"tsig_key_file = \"/etc/dk/example.net.key\"\n", "",
         "dk.toml:4: zone[0].tsig_key_file: is required"},
        {"tlsa_ttl = 300", "authoritative = \"192.0.2.53\"",
         "dk.toml:8: zone[0].authoritative: must be an array of strings"},
        {"tlsa_ttl = 300", "tlsa_tll = 300", "dk.toml:8: zone[0].tlsa_tll: unknown key"},
        {"tlsa_ttl = 300", "tlsa_ttl = 0",
         "dk.toml:8: zone[0].tlsa_ttl: must be between 1 and 86400"},
        {"tlsa_ttl = 300", "tlsa_ttl = 86401",
         "dk.toml:8: zone[0].tlsa_ttl: must be between 1 and 86400"},
        {"tlsa_ttl = 300", "tlsa_ttl = \"300\"", "dk.toml:8: zone[0].tlsa_ttl: must be an integer"},
        {"tlsa_ttl = 300", "tlsa_ttl = 3.5", "dk.toml:8: zone[0].tlsa_ttl: must be an integer"},
        {"name = \"mx\"\n", "", "dk.toml:9: key[0].name: is required"},
        {"name = \"mx\"", "name = \"mx\"\nalgorithm = \"dsa\"",
         "dk.toml:11: key[0].algorithm: must be one of"},
        {"\"mx1.example.net:465\"", "\"mx1.example.net:465:x\"",
         "dk.toml:11: key[0].endpoints: 'mx1.example.net:465:x': the host must be a DNS name"},
        {"\"mx1.example.net:465\"", "\"192.0.2.25:465\"",
         "dk.toml:11: key[0].endpoints: '192.0.2.25:465': the host must be a DNS name"},
        {"\"mx1.example.net:465\"", "\"mx1.example.net:0\"",
         "dk.toml:11: key[0].endpoints: bad port"},
        {"[\"mx1.example.net:25\", \"mx1.example.net:465\"]", "[]",
         "dk.toml:11: key[0].endpoints: needs at least one endpoint"},
        {"\"mx1.example.net:25\", ", "\"mx1.example.org:25\", ",
         "dk.toml:9: key[0].endpoints: mx1.example.org is in no configured [[zone]]"},
        {"reload =", "addresses = { \"mx1.example.net\" = [\"mx1\"] }\nreload =",
         "dk.toml:14: key[0].addresses.mx1.example.net: 'mx1' is not an IP address"},
        {"cert_file = \"/etc/postfix/chain.pem\"\n", "",
         "dk.toml:9: key[0].cert_file: is required"},
        {"\"/etc/postfix/key.pem\"", "\"/etc/postfix/chain.pem\"",
         "dk.toml:13: key[0].key_file: must differ from cert_file"},
        {"reload =", "combined_file = \"c.pem\"\nreload =",
         "dk.toml:14: key[0].combined_file: must be an absolute path"},
        {"\"/usr/sbin/postfix\", \"reload\"", "\"postfix\", \"reload\"",
         "dk.toml:14: key[0].reload: must be a list of argv lists"},
        {"[[\"/usr/sbin/postfix\", \"reload\"]]", "[[]]",
         "dk.toml:14: key[0].reload: must be a list of argv lists"},
        {"reload =", "certificates = \"acme2\"\nreload =",
         "dk.toml:14: key[0].certificates: must be \"command\", \"hook\" or \"acme\""},
        {"reload =", "certificates = \"acme\"\nreload =",
         "dk.toml:9: key[0].certificates: \"acme\" needs an [acme] section"},
        {"issue_command = [\"/usr/local/sbin/sign\", \"{csr}\", \"{chain}\"]\n", "",
         "dk.toml:9: key[0].issue_command: is required"},
        {"\"/usr/local/sbin/sign\"", "\"sign\"",
         "dk.toml:15: key[0].issue_command: must start with an absolute program path"},
        {"\"{csr}\"", "\"{cert}\"", "dk.toml:15: key[0].issue_command: unknown placeholder {cert}"},
        {"reload =", "renew_before_days = 0\nreload =",
         "dk.toml:14: key[0].renew_before_days: must be between 1"},
        {"reload =", "rollover_every_days = -3\nreload =",
         "dk.toml:14: key[0].rollover_every_days: must be between 1"},
        {"reload =", "margin_seconds = -1\nreload =",
         "dk.toml:14: key[0].margin_seconds: must be between 0"},
        {"reload =", "tlsa_ttl = 5\nreload =", "dk.toml:14: key[0].tlsa_ttl: unknown key"},
        {"reload =", "key_mode = \"0644\"\nreload =",
         "dk.toml:14: key[0].key_mode: must be \"0600\" or \"0640\""},
        {"reload =", "key_group = \"exim; rm\"\nreload =",
         "dk.toml:14: key[0].key_group: 'exim; rm' is not a group name"},
        {"[dns]", "[dns\n", "dk.toml:2:"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        expect_problem(with(valid, c.from, c.to), c.expected);
    }
}

const std::string acme_section = R"([acme]
directory = "https://acme.example.net/directory"
contact = ["mailto:hostmaster@example.net"]
ca_bundle = "/etc/dk/acme-tls.pem"
challenge = "dns-01"
preferred_chain = "ISRG Root X1"
renew_before_days = 20
)";

TEST(Config, AcmeSectionAndSlot) {
    const std::string text =
        with(valid, "issue_command = [\"/usr/local/sbin/sign\", \"{csr}\", \"{chain}\"]",
             "certificates = \"acme\"") +
        acme_section;
    auto c = parse_config(text, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    ASSERT_TRUE(c->acme);
    EXPECT_EQ(c->acme->directory, "https://acme.example.net/directory");
    EXPECT_EQ(c->acme->challenge, "dns-01");
    EXPECT_EQ(c->acme->preferred_chain, "ISRG Root X1");
    EXPECT_EQ(c->slot("mx")->certificates, "acme");
    EXPECT_EQ(c->slot("mx")->renew_before_days, 20);  // from [acme]
    auto own = parse_config(
        with(text, "certificates = \"acme\"", "certificates = \"acme\"\nrenew_before_days = 9"),
        "dk.toml");
    ASSERT_TRUE(own.ok()) << own.error().message;
    EXPECT_EQ(own->slot("mx")->renew_before_days, 9);  // the slot's own wins
}

TEST(Config, AcmeBadValuesNameFileLineField) {
    const std::string base = valid + acme_section;  // [acme] starts on line 16
    struct Case {
        std::string from, to, expected;
    };
    const std::vector<Case> cases{
        {"directory = \"https://acme.example.net/directory\"",
         "directory = \"http://acme.example.net/dir\"",
         "dk.toml:17: acme.directory: must be an https:// URL"},
        {"directory = \"https://acme.example.net/directory\"\n", "",
         "dk.toml:16: acme.directory: is required"},
        {"challenge = \"dns-01\"", "challenge = \"tls-alpn-01\"",
         "dk.toml:20: acme.challenge: must be \"dns-01\" or \"http-01\""},
        {"challenge = \"dns-01\"", "challenge = \"http-01\"",
         "dk.toml:16: acme.webroot: is required"},
        {"challenge = \"dns-01\"", "webroot = \"/var/www\"",
         "dk.toml:20: acme.webroot: is only used with challenge = \"http-01\""},
        {"challenge = \"dns-01\"", "eab_kid = \"kid\"",
         "dk.toml:20: acme.eab_kid: eab_kid and eab_key_file go together"},
        {"challenge = \"dns-01\"", "eab_key_file = \"eab.key\"",
         "dk.toml:20: acme.eab_key_file: must be an absolute path"},
        {"\"mailto:hostmaster@example.net\"", "\"hostmaster@example.net\"",
         "dk.toml:18: acme.contact: 'hostmaster@example.net' is not a mailto: URL"},
        {"renew_before_days = 20", "renew_before_days = 0",
         "dk.toml:22: acme.renew_before_days: must be between 1"},
        {"renew_before_days = 20", "renew_before = 20",
         "dk.toml:22: acme.renew_before: unknown key"},
        {"renew_before_days = 20", "dns01_max_cache_wait_seconds = 3601",
         "dk.toml:22: acme.dns01_max_cache_wait_seconds: must be between 0"},
        {"ca_bundle = \"/etc/dk/acme-tls.pem\"", "ca_bundle = 7",
         "dk.toml:19: acme.ca_bundle: must be a string"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected);
        expect_problem(with(base, c.from, c.to), c.expected);
    }
}

// Each of these once passed (a server name, a 64-character label) or drew more than the one
// line it deserves (a bad publisher, zone name or server list echoed by later checks; a bad
// signed-file server list crashed the parser).
TEST(Config, OneBadValueIsOneProblem) {
    struct Case {
        std::string from, to, expected;
    };
    const Case cases[] = {
        {"resolver = \"127.0.0.1:53\"", "resolver = \"dns.example:53\"",
         "dk.toml:3: dns.resolver: 'dns.example' is not an IP address"},
        {"primary = \"192.0.2.53:53\"", "primary = \"ns1.example.net\"",
         "dk.toml:6: zone[0].primary: 'ns1.example.net' is not an IP address"},
        {"mx1.example.net:25\"", std::string(64, 'a') + ".example.net:25\"",
         "dk.toml:11: key[0].endpoints:"},
        {"name = \"example.net\"", "name = \"exa mple.net\"",
         "dk.toml:5: zone[0].name: 'exa mple.net' is not a domain name"},
        {"primary = \"192.0.2.53:53\"\ntsig_key_file = \"/etc/dk/example.net.key\"",
         "publisher = \"nsupdate\"\nunsigned_file = \"/z\"",
         "dk.toml:6: zone[0].publisher: must be"},
        {"primary = \"192.0.2.53:53\"\ntsig_key_file = \"/etc/dk/example.net.key\"",
         "publisher = \"signed-file\"\nunsigned_file = \"/z\"\nsigned_file = \"/s\"\n"
         "authoritative = \"192.0.2.53\"",
         "dk.toml:9: zone[0].authoritative: must be an array of strings"},
    };
    for (const auto& c : cases) {
        auto parsed = parse_config(with(valid, c.from, c.to), "dk.toml");
        ASSERT_FALSE(parsed.ok()) << c.to;
        EXPECT_EQ(parsed.error().message.find('\n'), std::string::npos) << parsed.error().message;
        EXPECT_EQ(parsed.error().message.rfind(c.expected, 0), 0u) << parsed.error().message;
    }
}

TEST(Config, TablesOfTheWrongShapeAreReported) {
    expect_problem("state_dir = \"/x\"\nzone = [1]\n", "dk.toml:2: zone[0]: must be a table");
    expect_problem(valid + "key = \"mx\"\n", "dk.toml");
    expect_problem("dns = 1\n" + valid.substr(valid.find("[[zone]]")),
                   "dk.toml:1: dns: must be a table");
    expect_problem("state_dir = \"/x\"\n", "dk.toml:1: zone: at least one [[zone]] is required");
}

TEST(Config, EveryProblemStaysOnOneLine) {
    // Found by the fuzzer: toml++ quotes the offending character, here a newline.
    auto broken = parse_config("state_dir = i\n\"\"\n", "dk.toml");
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().message.find('\n'), std::string::npos) << broken.error().message;
    EXPECT_TRUE(broken.error().message.starts_with("dk.toml:1: ")) << broken.error().message;
    expect_problem("\"a\\nb\" = 1\n" + valid, "dk.toml:1: a\\x0ab: unknown key");
}

TEST(Config, ReportsAllProblemsTogether) {
    auto c = parse_config("bogus = 1\n" + with(with(valid, "tlsa_ttl = 300", "tlsa_ttl = -1"),
                                               "\"{csr}\"", "\"{cert}\""),
                          "dk.toml");
    ASSERT_FALSE(c.ok());
    const std::string& m = c.error().message;
    EXPECT_NE(m.find("dk.toml:1: bogus: unknown key"), std::string::npos) << m;
    EXPECT_NE(m.find("dk.toml:9: zone[0].tlsa_ttl"), std::string::npos) << m;
    EXPECT_NE(m.find("dk.toml:16: key[0].issue_command: unknown placeholder"), std::string::npos)
        << m;
    EXPECT_EQ(std::count(m.begin(), m.end(), '\n'), 2) << m;
}

TEST(Config, EndpointsWithSchemesAndProbeAddresses) {
    auto c = parse_config(with(valid, R"(["mx1.example.net:25", "mx1.example.net:465"])",
                               R"(["mx1.example.net:25", "imap://imap.example.net:1143",
             "tls://mx2.example.net:25@192.0.2.10:10025", "pop.example.net:110@2001:db8::110"])"),
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto& eps = c->slot("mx")->endpoints;
    ASSERT_EQ(eps.size(), 4u);
    EXPECT_EQ(eps[0].start, TlsStart::smtp);
    EXPECT_FALSE(eps[0].probe_at.has_value());
    EXPECT_EQ(eps[1].start, TlsStart::imap);
    EXPECT_EQ(eps[1].to_string(), "imap.example.net:1143");
    EXPECT_EQ(eps[2].start, TlsStart::implicit);
    EXPECT_EQ(eps[2].to_string(), "mx2.example.net:25");
    EXPECT_EQ(eps[2].probe_at->to_string(), "192.0.2.10:10025");
    EXPECT_EQ(eps[3].start, TlsStart::pop3);
    EXPECT_EQ(eps[3].probe_at->to_string(), "[2001:db8::110]:110");
}

TEST(Config, BadEndpointFormsNameFileLineAndField) {
    const std::string from = R"("mx1.example.net:465")";
    expect_problem(with(valid, from, R"("ftp://mx1.example.net:21")"),
                   "dk.toml:11: key[0].endpoints: unknown scheme 'ftp://'");
    expect_problem(with(valid, from, R"("imap://mx1.example.net")"),
                   "dk.toml:11: key[0].endpoints: no port in 'imap://mx1.example.net'");
    expect_problem(with(valid, from, R"("smtp://mx1.example.net:25@mx2.example.net")"),
                   "dk.toml:11: key[0].endpoints: probe address 'mx2.example.net' in "
                   "'smtp://mx1.example.net:25@mx2.example.net' is not an IP address");
    expect_problem(with(valid, from, R"("smtp://192.0.2.25:25")"),
                   "dk.toml:11: key[0].endpoints: 'smtp://192.0.2.25:25': the host must be a DNS "
                   "name");
    // The same host:port twice is one TLSA owner, whatever the schemes say.
    expect_problem(
        with(valid, from, R"("tls://mx1.example.net:25")"),
        "key[0].endpoints: mx1.example.net:25 is in two slots of the key family ecdsa (an MTA "
        "presents one chain per family)");
}

TEST(Config, DuplicateSlotsZonesAndEndpointsAreRefused) {
    const std::string slot = valid.substr(valid.find("[[key]]"));
    const std::string zone =
        valid.substr(valid.find("[[zone]]"), valid.find("[[key]]") - valid.find("[[zone]]"));
    expect_problem(valid + slot, "dk.toml:16: key[1].name: duplicate slot name 'mx'");
    expect_problem(valid + zone, "dk.toml:16: zone[1].name: duplicate zone 'example.net.'");
    expect_problem(
        valid + with(slot, "name = \"mx\"", "name = \"mx2\""),
        "key[1].endpoints: mx1.example.net:25 is in two slots of the key family ecdsa (an MTA "
        "presents one chain per family)");
    auto rsa = parse_config(valid + with(with(slot, "name = \"mx\"", "name = \"mx-rsa\""),
                                         "[[key]]\n", "[[key]]\nalgorithm = \"rsa-3072\"\n"),
                            "dk.toml");
    EXPECT_TRUE(rsa.ok()) << rsa.error().message;
    // An MTA holds one chain per key family (Postfix, Dovecot's ssl_alt_cert): two RSA slots (or
    // ECDSA P-256 and P-384) on one endpoint could never both be presented.
    const std::string rsa_slot = with(slot, "[[key]]\n", "[[key]]\nalgorithm = \"rsa-3072\"\n");
    expect_problem(
        valid + with(rsa_slot, "name = \"mx\"", "name = \"mx-rsa\"") +
            with(with(rsa_slot, "name = \"mx\"", "name = \"mx-rsa4k\""), "rsa-3072", "rsa-4096"),
        "key[2].endpoints: mx1.example.net:25 is in two slots of the key family rsa "
        "(an MTA presents one chain per family)");
    expect_problem(valid + with(with(slot, "name = \"mx\"", "name = \"mx384\""), "[[key]]\n",
                                "[[key]]\nalgorithm = \"ecdsa-p384\"\n"),
                   "key[1].endpoints: mx1.example.net:25 is in two slots of the key family ecdsa "
                   "(an MTA presents one chain per family)");
}

// A slot's name becomes a directory under state_dir (keys/NAME, certs/NAME): a name that could
// leave it or hide there is refused, naming the file, line and field.
TEST(Config, SlotNamesStaySafeAsFileNames) {
    const std::string too_long(64, 'a');
    for (const std::string bad : {"../../evil", "..", ".", ".hidden", "a/b", "/abs", "a..b", "",
                                  "-mx", "mx\\n", "mx one", "m\u00e9", too_long.c_str()}) {
        SCOPED_TRACE(bad);
        expect_problem(with(valid, "name = \"mx\"", "name = \"" + bad + "\""),
                       "dk.toml:10: key[0].name: '");
    }
    const std::string longest(63, 'b');
    for (const std::string good : {"mx", "MX-1", "mx_rsa.2026", "9", longest.c_str()}) {
        SCOPED_TRACE(good);
        auto c = parse_config(with(valid, "name = \"mx\"", "name = \"" + good + "\""), "dk.toml");
        ASSERT_TRUE(c.ok()) << c.error().message;
        EXPECT_EQ(c->slots.at(0).name, good);
    }
}

TEST(Config, SlotZoneIsTheInnermostConfiguredZone) {
    auto c = parse_config(with(valid, "[[key]]",
                               "[[zone]]\nname = \"MX1.Example.NET.\"\nprimary = \"192.0.2.1\"\n"
                               "tsig_key_file = \"/k\"\n[[key]]"),
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->slots.at(0).zone, "mx1.example.net.");
    expect_problem(with(valid, "\"mx1.example.net:465\"", "\"mx.other.test:465\"]\n#"),
                   "key[0].endpoints: mx.other.test is in no configured [[zone]]");
}

TEST(Config, ProductionExampleParses) {
    auto c = parse_config(read_source_file("examples/danekeeper.toml"), "examples/danekeeper.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->slots.at(0).endpoints.size(), 3u);
}

TEST(Config, TestbedExampleParsesOnceFilledIn) {
    std::string text = read_source_file("examples/testbed.toml");
    const std::vector<std::pair<std::string, std::string>> values{
        {"@TB_RESOLVER@", "127.53.1.3:53"},
        {"@TB_PRIMARY@", "127.53.1.1:53"},
        {"@TB_SECONDARY@", "127.53.1.2:53"},
        {"@TB_MX1_ADDR@", "127.53.2.1"},
        {"@TB_MX2_ADDR@", "127.53.2.2"}};
    for (const auto& [from, to] : values) {
        for (auto at = text.find(from); at != std::string::npos; at = text.find(from))
            text.replace(at, from.size(), to);
    }
    // Every other placeholder is a path.
    for (auto at = text.find('@'); at != std::string::npos; at = text.find('@')) {
        const auto end = text.find('@', at + 1);
        ASSERT_NE(end, std::string::npos) << "unpaired @ in examples/testbed.toml";
        text.replace(at, end - at + 1, "/tmp/tb/" + text.substr(at + 1, end - at - 1));
    }
    auto c = parse_config(text, "examples/testbed.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->zones.at(0).name, "example.test.");
    EXPECT_EQ(c->zones.at(0).primary.to_string(), "127.53.1.1:53");
    EXPECT_EQ(c->slot("mx")->endpoints.size(), 3u);
    EXPECT_EQ(c->slot("mx")->addresses.at("mx2.example.test.").at(0), "127.53.2.2");
}

TEST(Config, ASharedTlsaOwnerIsReadAbsolute) {
    auto c = parse_config(
        with(valid, "name = \"mx\"", "name = \"mx\"\ntlsa_owner = \"_dane.mx.Example.net\""),
        "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->slots[0].tlsa_owner, "_dane.mx.example.net.");
    EXPECT_FALSE(parse_config(valid, "dk.toml")->slots[0].tlsa_owner.has_value());
}

TEST(Config, ASharedTlsaOwnerItCannotServeNamesFileLineAndField) {
    const std::string slot = "name = \"mx\"";
    expect_problem(with(valid, slot, slot + "\ntlsa_owner = \"_dane mx.example.net\""),
                   "dk.toml:11: key[0].tlsa_owner: '_dane mx.example.net' is not a domain name");
    expect_problem(with(valid, slot, slot + "\ntlsa_owner = \"_dane.mx.example.org\""),
                   "dk.toml:9: key[0].tlsa_owner: _dane.mx.example.org. is outside the slot's "
                   "zone example.net.");
    // Two slots on one endpoint: the owner is a CNAME to one target only.
    const std::string second = valid.substr(valid.find("[[key]]"));
    std::string two = with(valid, slot, slot + "\ntlsa_owner = \"_dane.mx.example.net\"") +
                      with(with(second, "\"mx\"", "\"mx-rsa\"\nalgorithm = \"rsa-2048\""),
                           "\"mx1.example.net:465\"", "\"mx2.example.net:25\"");
    expect_problem(two,
                   "key[1].tlsa_owner: mx1.example.net:25 is in another slot with a "
                   "different tlsa_owner");
}

}  // namespace
}  // namespace dk::config

namespace dk::config {
namespace {

const std::string issuers_line =
    "issue_command = [\"/usr/local/sbin/sign\", \"{csr}\", \"{chain}\"]\n";

TEST(Config, IssuerCertificatesAreAListOfAbsolutePaths) {
    auto c = parse_config(with(valid, issuers_line,
                               issuers_line + "issuer_certificates = [\"/etc/dk/ca/r10.pem\", "
                                              "\"/etc/dk/ca/r11.pem\"]\n"),
                          "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->slot("mx")->issuer_certificates,
              (std::vector<std::string>{"/etc/dk/ca/r10.pem", "/etc/dk/ca/r11.pem"}));
    EXPECT_TRUE(parse_config(valid, "dk.toml")->slot("mx")->issuer_certificates.empty());
}

TEST(Config, BadIssuerCertificatesAreOneLineEach) {
    for (const auto& [value, message] : std::vector<std::pair<std::string, std::string>>{
             {"[\"ca/r10.pem\"]", "key[0].issuer_certificates: 'ca/r10.pem' must be an absolute"},
             {"[\"/ca/r10.pem\", \"/ca/r10.pem\"]",
              "key[0].issuer_certificates: '/ca/r10.pem' is listed twice"},
             {"\"/ca/r10.pem\"", "key[0].issuer_certificates: "}}) {
        auto c = parse_config(
            with(valid, issuers_line, issuers_line + "issuer_certificates = " + value + "\n"),
            "dk.toml");
        ASSERT_FALSE(c.ok()) << value;
        EXPECT_NE(c.error().message.find("dk.toml:16: " + message), std::string::npos)
            << c.error().message;
        EXPECT_EQ(c.error().message.find('\n'), std::string::npos) << c.error().message;
    }
}

}  // namespace
}  // namespace dk::config
