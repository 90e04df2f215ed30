// The configuration schema (config/schema.h) is complete and is what the parser obeys: every key
// is described, every default parses to itself and lies in its range, every range and choice is
// enforced with FILE:LINE: FIELD, every other key is unknown, and the engine's policy takes its
// timings, the key planner, the lint and the ACME renewal theirs from the configuration.
#include "config/schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "config/config.h"
#include "service/issuance/acme_issuer.h"
#include "service/report/audit_observer.h"
#include "service/runtime/runtime.h"
#include "service/signing/managed_keys.h"
#include "zone/sign/dnssec_key.h"

namespace dk::config {
namespace {

using schema::Key;
using schema::Type;

// Every section present with its required keys, so a key added under a header is all that
// changes. The signed-file variant holds the keys only such a zone takes.
const std::string rfc2136_base = R"([dns]
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
[audit]
[metrics]
[monitoring]
[log]
[tlsrpt]
[acme]
directory = "https://acme.example/directory"
[[host]]
name = "mx2"
ssh_target = "danekeeper@192.0.2.25"
identity_file = "/etc/dk/id_ed25519"
known_hosts = "/etc/dk/known_hosts"
key_file = "/etc/postfix/key.pem"
cert_file = "/etc/postfix/chain.pem"
)";

const std::string signed_file_base = R"([[zone]]
name = "example.net"
publisher = "signed-file"
unsigned_file = "/etc/dk/example.net.zone"
signed_file = "/var/lib/dk/example.net.signed"
authoritative = ["192.0.2.53"]
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

std::string header_of(const Key& key) {
    for (const auto& section : schema::sections) {
        if (section.name == key.section) return std::string(section.header);
    }
    return "";
}

// The FIELD a problem with key names: "state_dir", "dns.resolver", "zone[0].tlsa_ttl".
std::string field_of(const Key& key) {
    if (key.section.empty()) return std::string(key.name);
    const bool array = header_of(key).starts_with("[[");
    return std::string(key.section) + (array ? "[0]." : ".") + std::string(key.name);
}

struct Placed {
    std::string text;
    std::uint32_t line;  // of the placed key
};

// The RFC 2136 base with MTA-STS on: what the mta_sts_* keys need beside them.
const std::string mta_sts_base = R"([dns]
resolver = "127.0.0.1:53"
[[zone]]
name = "example.net"
primary = "192.0.2.53:53"
tsig_key_file = "/etc/dk/example.net.key"
mta_sts_mode = "testing"
mta_sts_policy_file = "/var/www/mta-sts/.well-known/mta-sts.txt"
[[key]]
name = "mx"
endpoints = ["mx1.example.net:25"]
cert_file = "/etc/postfix/chain.pem"
key_file = "/etc/postfix/key.pem"
issue_command = ["/usr/local/sbin/sign", "{csr}", "{chain}"]
)";

const std::string& base_for(const Key& key) {
    if (key.only == schema::Only::mta_sts) return mta_sts_base;
    return key.only == schema::Only::anywhere ? rfc2136_base : signed_file_base;
}

// The base config with "name = value" in the key's section: in place of the base's own line for
// the key, or else first in the section.
Placed place(const Key& key, const std::string& value) {
    const std::string& base = base_for(key);
    std::size_t at = 0;
    if (!key.section.empty()) {
        const std::string header = header_of(key) + "\n";
        at = base.find(header);
        if (at == std::string::npos) {
            ADD_FAILURE() << "test bug: no " << header << " in the base";
            return {base, 0};
        }
        at += header.size();
    }
    std::size_t replaced = 0;
    const std::size_t end = std::min(base.find("\n[", at), base.size());
    for (std::size_t line = at; line < end; line = base.find('\n', line) + 1) {
        if (base.compare(line, key.name.size() + 3, std::string(key.name) + " = ") == 0) {
            at = line;
            replaced = base.find('\n', line) + 1 - line;
            break;
        }
    }
    const auto number =
        static_cast<std::uint32_t>(std::count(base.begin(), base.begin() + at, '\n') + 1);
    const std::string line = std::string(key.name) + " = " + value + "\n";
    return {base.substr(0, at) + line + base.substr(at + replaced), number};
}

std::string toml_literal(const Key& key, std::string_view value) {
    const bool bare = key.type == Type::integer || key.type == Type::boolean;
    return bare ? std::string(value) : "\"" + std::string(value) + "\"";
}

TEST(ConfigSchema, EveryKeyHasAMeaningATypeAndOneHome) {
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (const Key& key : schema::keys) {
        SCOPED_TRACE(field_of(key));
        EXPECT_TRUE(seen.insert({key.section, key.name}).second) << "listed twice";
        EXPECT_TRUE(key.section.empty() || !header_of(key).empty()) << "unknown section";
        EXPECT_NE(schema::type_name(key.type), "?");
        EXPECT_GE(key.meaning.size(), 10u);
        // One table row, one man page line.
        EXPECT_EQ(key.meaning.find_first_of("|\n\\"), std::string_view::npos);
        EXPECT_EQ(std::count(key.meaning.begin(), key.meaning.end(), '`') % 2, 0);
        EXPECT_NE(key.fallback.empty(), key.absent.empty())
            << "a default, or what happens without the key: exactly one";
        EXPECT_EQ(key.type == Type::integer, key.min != 0 || key.max != 0)
            << "range only for integers";
        if (!key.choices.empty()) {
            EXPECT_EQ(key.type, Type::string);
        }
        EXPECT_TRUE(key.only == schema::Only::anywhere || key.section == "zone");
    }
}

TEST(ConfigSchema, EveryDefaultLiesInItsRange) {
    for (const Key& key : schema::keys) {
        SCOPED_TRACE(field_of(key));
        if (key.type == Type::integer) {
            ASSERT_FALSE(key.fallback.empty());
            const long long value = schema::integer_of(key.fallback);
            EXPECT_LE(key.min, value);
            EXPECT_LE(value, key.max);
        }
        if (key.type == Type::boolean) {
            EXPECT_TRUE(key.fallback == "true" || key.fallback == "false");
        }
        if (!key.choices.empty() && !key.fallback.empty()) {  // none: absence has a meaning
            const auto choices = schema::choices_of(key);
            EXPECT_NE(std::find(choices.begin(), choices.end(), key.fallback), choices.end());
        }
    }
}

// What parse_config made of each key that has a default, as the file would write it.
const std::map<std::string, std::function<std::string(const Config&)>>& parsed_values() {
    static const std::map<std::string, std::function<std::string(const Config&)>> values{
        {"state_dir", [](const Config& c) { return c.state_dir; }},
        {"zone[0].publisher", [](const Config& c) { return c.zones.at(0).publisher; }},
        {"zone[0].tlsa_ttl",
         [](const Config& c) { return std::to_string(c.zones.at(0).tlsa_ttl); }},
        {"zone[0].algorithm", [](const Config& c) { return c.zones.at(0).signed_file->algorithm; }},
        {"zone[0].nsec3",
         [](const Config& c) {
             return std::string(c.zones.at(0).signed_file->nsec3 ? "true" : "false");
         }},
        {"zone[0].signature_validity_days",
         [](const Config& c) {
             return std::to_string(c.zones.at(0).signed_file->signature_validity_days);
         }},
        {"zone[0].refresh_days",
         [](const Config& c) { return std::to_string(c.zones.at(0).signed_file->refresh_days); }},
        {"zone[0].jitter_hours",
         [](const Config& c) { return std::to_string(c.zones.at(0).signed_file->jitter_hours); }},
        {"zone[0].serial", [](const Config& c) { return c.zones.at(0).signed_file->serial; }},
        {"zone[0].zsk_lifetime_days",
         [](const Config& c) {
             return std::to_string(c.zones.at(0).signed_file->keys.zsk_lifetime_days);
         }},
        {"zone[0].ksk_lifetime_days",
         [](const Config& c) {
             return std::to_string(c.zones.at(0).signed_file->keys.ksk_lifetime_days);
         }},
        {"zone[0].key_publish_safety_seconds",
         [](const Config& c) {
             return std::to_string(c.zones.at(0).signed_file->keys.publish_safety_seconds);
         }},
        {"zone[0].key_retire_safety_seconds",
         [](const Config& c) {
             return std::to_string(c.zones.at(0).signed_file->keys.retire_safety_seconds);
         }},
        {"zone[0].ds_ttl",
         [](const Config& c) { return std::to_string(c.zones.at(0).signed_file->keys.ds_ttl); }},
        {"zone[0].mta_sts_max_age",
         [](const Config& c) { return std::to_string(c.zones.at(0).mta_sts->max_age); }},
        {"key[0].algorithm", [](const Config& c) { return c.slots.at(0).algorithm; }},
        {"key[0].key_mode", [](const Config& c) { return c.slots.at(0).key_mode; }},
        {"key[0].certificates", [](const Config& c) { return c.slots.at(0).certificates; }},
        {"key[0].renew_before_days",
         [](const Config& c) { return std::to_string(c.slots.at(0).renew_before_days); }},
        {"key[0].rollover_every_days",
         [](const Config& c) { return std::to_string(c.slots.at(0).rollover_every_days); }},
        {"key[0].margin_seconds",
         [](const Config& c) { return std::to_string(c.slots.at(0).margin_seconds); }},
        {"audit.rrsig_warn_days",
         [](const Config& c) { return std::to_string(c.audit.rrsig_warn_days); }},
        {"audit.max_tlsa_records",
         [](const Config& c) { return std::to_string(c.audit.max_tlsa_records); }},
        {"monitoring.run_interval_seconds",
         [](const Config& c) { return std::to_string(c.monitoring.run_interval_seconds); }},
        {"monitoring.stale_warning_factor",
         [](const Config& c) { return std::to_string(c.monitoring.stale_warning_factor); }},
        {"monitoring.stale_critical_factor",
         [](const Config& c) { return std::to_string(c.monitoring.stale_critical_factor); }},
        {"log.retention_days",
         [](const Config& c) { return std::to_string(c.log.retention_days); }},
        {"log.retention_rows",
         [](const Config& c) { return std::to_string(c.log.retention_rows); }},
        {"tlsrpt.https_path", [](const Config& c) { return c.tlsrpt.https_path; }},
        {"tlsrpt.https_max_body_bytes",
         [](const Config& c) { return std::to_string(c.tlsrpt.https_max_body_bytes); }},
        {"tlsrpt.https_max_connections",
         [](const Config& c) { return std::to_string(c.tlsrpt.https_max_connections); }},
        {"acme.challenge", [](const Config& c) { return c.acme->challenge; }},
        {"acme.renew_before_days",
         [](const Config& c) { return std::to_string(c.acme->renew_before_days); }},
        {"acme.dns01_max_cache_wait_seconds",
         [](const Config& c) { return std::to_string(c.acme->dns01_max_cache_wait_seconds); }},
        {"host[0].port", [](const Config& c) { return std::to_string(c.hosts.at(0).port); }},
        {"host[0].key_mode", [](const Config& c) { return c.hosts.at(0).key_mode; }},
        {"host[0].connect_timeout",
         [](const Config& c) { return std::to_string(c.hosts.at(0).connect_timeout); }},
        {"host[0].command_timeout",
         [](const Config& c) { return std::to_string(c.hosts.at(0).command_timeout); }},
    };
    return values;
}

// Leaving a key out and writing its default give the same value: the parser's default, the
// struct's default (config.h) and the table's are one.
TEST(ConfigSchema, EveryDefaultParsesToItselfAndIsWhatOmittingGives) {
    for (const Key& key : schema::keys) {
        if (key.fallback.empty()) continue;
        SCOPED_TRACE(field_of(key));
        auto value = parsed_values().find(field_of(key));
        ASSERT_NE(value, parsed_values().end()) << "test: add how to read this key";
        auto written = parse_config(place(key, toml_literal(key, key.fallback)).text, "dk.toml");
        ASSERT_TRUE(written.ok()) << written.error().message;
        EXPECT_EQ(value->second(*written), key.fallback);
        auto omitted = parse_config(base_for(key), "dk.toml");
        ASSERT_TRUE(omitted.ok()) << omitted.error().message;
        EXPECT_EQ(value->second(*omitted), key.fallback);
    }
}

TEST(ConfigSchema, AnOutOfRangeValueNamesFileLineAndKey) {
    for (const Key& key : schema::keys) {
        if (key.type != Type::integer) continue;
        for (const long long value : {key.min - 1, key.max + 1}) {
            SCOPED_TRACE(field_of(key) + " = " + std::to_string(value));
            const Placed placed = place(key, std::to_string(value));
            auto c = parse_config(placed.text, "dk.toml");
            ASSERT_FALSE(c.ok());
            EXPECT_NE(
                c.error().message.find("dk.toml:" + std::to_string(placed.line) + ": " +
                                       field_of(key) + ": must be between " +
                                       std::to_string(key.min) + " and " + std::to_string(key.max)),
                std::string::npos)
                << c.error().message;
        }
        for (const long long value : {key.min, key.max}) {
            SCOPED_TRACE(field_of(key) + " = " + std::to_string(value));
            auto c = parse_config(place(key, std::to_string(value)).text, "dk.toml");
            if (!c.ok()) {
                EXPECT_EQ(c.error().message.find(field_of(key) + ": must be between"),
                          std::string::npos);
            }
        }
    }
}

TEST(ConfigSchema, AValueOutsideTheChoicesNamesFileLineAndKey) {
    for (const Key& key : schema::keys) {
        if (key.choices.empty()) continue;
        SCOPED_TRACE(field_of(key));
        const Placed placed = place(key, "\"no-such-choice\"");
        auto c = parse_config(placed.text, "dk.toml");
        ASSERT_FALSE(c.ok());
        EXPECT_NE(c.error().message.find("dk.toml:" + std::to_string(placed.line) + ": " +
                                         field_of(key) + ": " + schema::choice_problem(key)),
                  std::string::npos)
            << c.error().message;
    }
}

TEST(ConfigSchema, ChoiceProblemsReadAsBefore) {
    EXPECT_EQ(schema::choice_problem(*schema::find("zone", "publisher")),
              "must be \"rfc2136\" or \"signed-file\"");
    EXPECT_EQ(schema::choice_problem(*schema::find("key", "certificates")),
              "must be \"command\", \"hook\" or \"acme\"");
    EXPECT_EQ(schema::choice_problem(*schema::find("key", "algorithm")),
              "must be one of ecdsa-p256, ecdsa-p384, rsa-2048, rsa-3072, rsa-4096, ed25519");
}

TEST(ConfigSchema, AKeyOutsideTheTableIsUnknownInEverySection) {
    std::set<std::pair<std::string_view, schema::Only>> sections;
    for (const Key& key : schema::keys) {
        if (!sections.insert({key.section, key.only}).second) continue;
        Key stranger = key;
        stranger.name = "tlsa_tll";
        SCOPED_TRACE(field_of(stranger));
        const Placed placed = place(stranger, "1");
        auto c = parse_config(placed.text, "dk.toml");
        ASSERT_FALSE(c.ok());
        EXPECT_EQ(c.error().message, "dk.toml:" + std::to_string(placed.line) + ": " +
                                         field_of(stranger) + ": unknown key (misspelt?)");
    }
}

// A key in the table that the parser never read would be accepted and ignored: a value of the
// wrong type must be a problem at that key.
TEST(ConfigSchema, EveryKeyInTheTableIsReadByTheParser) {
    for (const Key& key : schema::keys) {
        SCOPED_TRACE(field_of(key));
        const bool wants_number = key.type == Type::integer || key.type == Type::boolean;
        const Placed placed = place(key, wants_number ? "\"text\"" : "1");
        auto c = parse_config(placed.text, "dk.toml");
        ASSERT_FALSE(c.ok());
        EXPECT_NE(c.error().message.find("dk.toml:" + std::to_string(placed.line) + ": " +
                                         field_of(key) + ": must be"),
                  std::string::npos)
            << c.error().message;
    }
}

// The engine keeps no timings of its own: a slot that sets none rolls by the table's defaults.
TEST(ConfigSchema, TheEnginePolicyOfADefaultSlotIsTheTables) {
    auto c = parse_config(rfc2136_base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const engine::SlotPolicy policy = service::policy_for(c->slots.at(0));
    EXPECT_EQ(policy.margin, Seconds{schema::integer_default("key", "margin_seconds")});
    EXPECT_EQ(policy.renew_before,
              Seconds{schema::integer_default("key", "renew_before_days") * 86400});
    EXPECT_EQ(policy.rollover_every,
              Seconds{schema::integer_default("key", "rollover_every_days") * 86400});
    EXPECT_EQ(policy.margin, Seconds{900});
}

// The key planner keeps no timings of its own either: a managed zone that sets none of the key
// options rolls by the table's defaults.
TEST(ConfigSchema, TheKeyPolicyOfADefaultManagedZoneIsTheTables) {
    auto c = parse_config(signed_file_base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto policy = service::key_policy_for(c->zones.at(0));
    EXPECT_EQ(policy.algorithm, static_cast<std::uint8_t>(*zone::sign::parse_algorithm(
                                    schema::text_default("zone", "algorithm"))));
    EXPECT_EQ(policy.zsk_lifetime,
              Seconds{schema::integer_default("zone", "zsk_lifetime_days") * 86400});
    EXPECT_EQ(policy.ksk_lifetime,
              Seconds{schema::integer_default("zone", "ksk_lifetime_days") * 86400});
    EXPECT_EQ(policy.publish_safety,
              Seconds{schema::integer_default("zone", "key_publish_safety_seconds")});
    EXPECT_EQ(policy.retire_safety,
              Seconds{schema::integer_default("zone", "key_retire_safety_seconds")});
    EXPECT_EQ(policy.default_ds_ttl, Seconds{schema::integer_default("zone", "ds_ttl")});
    EXPECT_EQ(policy.zsk_lifetime, Seconds{90 * 86400});
    // A zone without managed keys gets the same.
    auto plain = parse_config(rfc2136_base, "dk.toml");
    ASSERT_TRUE(plain.ok()) << plain.error().message;
    const auto unmanaged = service::key_policy_for(plain->zones.at(0));
    EXPECT_EQ(unmanaged.algorithm, policy.algorithm);
    EXPECT_EQ(unmanaged.zsk_lifetime, policy.zsk_lifetime);
    EXPECT_EQ(unmanaged.default_ds_ttl, policy.default_ds_ttl);
}

// What the lint judges a slot by, for a configuration that sets nothing.
TEST(ConfigSchema, TheLintFactsAndPolicyOfADefaultConfigAreTheTables) {
    auto c = parse_config(rfc2136_base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    const auto facts = service::offline_slot_facts(*c, nullptr);
    ASSERT_EQ(facts.size(), 1U);
    EXPECT_EQ(facts[0].tlsa_ttl, schema::integer_default("zone", "tlsa_ttl"));
    EXPECT_EQ(facts[0].renew_before_days, schema::integer_default("key", "renew_before_days"));
    EXPECT_EQ(facts[0].rollover_every_days, schema::integer_default("key", "rollover_every_days"));
    EXPECT_EQ(facts[0].margin_seconds, schema::integer_default("key", "margin_seconds"));
    const ops::LintPolicy lint = service::lint_policy_for(c->audit);
    EXPECT_EQ(lint.rrsig_warn_days, schema::integer_default("audit", "rrsig_warn_days"));
    EXPECT_EQ(lint.max_tlsa_records,
              static_cast<std::size_t>(schema::integer_default("audit", "max_tlsa_records")));
    EXPECT_EQ(lint.max_tlsa_records, 12U);
}

// ACME renewal: the slot's renew_before_days, [acme]'s for an acme slot that sets none.
TEST(ConfigSchema, TheAcmeRenewalOfADefaultSlotIsTheTables) {
    auto c = parse_config(rfc2136_base, "dk.toml");
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(service::renewal_input_for(c->slots.at(0)).renew_before_days,
              schema::integer_default("key", "renew_before_days"));
    std::string text = rfc2136_base;
    const std::string command =
        "issue_command = [\"/usr/local/sbin/sign\", \"{csr}\", \"{chain}\"]";
    const auto at = text.find(command);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, command.size(), "certificates = \"acme\"");
    auto acme = parse_config(text, "dk.toml");
    ASSERT_TRUE(acme.ok()) << acme.error().message;
    EXPECT_EQ(service::renewal_input_for(acme->slots.at(0)).renew_before_days,
              schema::integer_default("acme", "renew_before_days"));
}

}  // namespace
}  // namespace dk::config
