// danekeeper config check [--json]: every problem in the configuration, or "ok".
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "base/files.h"
#include "cert/chain.h"
#include "cert/issuer_ca.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "config/config.h"
#include "service/report/audit_observer.h"
#include "service/state/sql_state_store.h"
#include "zone/parent_ds.h"
#include "zone/tlsa_view.h"
#include "zone/tsig_key.h"

namespace dk::cli {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Each RFC 2136 zone's TSIG key as the publisher will load it: its algorithm, its base64, the
// key named. A file that check_files already refused (missing, readable by others) is not read.
std::string tsig_key_problems(const config::Config& c) {
    std::string problems;
    for (const auto& z : c.zones) {
        if (z.signed_file || !files::check_secret_permissions(z.tsig_key_file).ok()) continue;
        if (auto key = zone::load_tsig_key(z.tsig_key_file, z.tsig_key_name); !key.ok()) {
            problems += (problems.empty() ? "" : "\n") + c.source + ": zone " + z.name +
                        ": tsig_key_file: " + key.error().message;
        }
    }
    return problems;
}

// The trust anchor and the CA files as their readers will take them: DS or DNSKEY records, and
// PEM certificates. Files check_files could not read are reported there already.
std::string anchor_and_ca_problems(const config::Config& c) {
    std::string problems;
    auto note = [&](const std::string& what) {
        problems += (problems.empty() ? "" : "\n") + c.source + ": " + what;
    };
    if (c.trust_anchor_file) {
        if (auto text = files::read_limited(*c.trust_anchor_file); text.ok()) {
            if (auto anchors = zone::parse_trust_anchors(*text, *c.trust_anchor_file);
                !anchors.ok())
                note("dns.trust_anchor_file: " + anchors.error().message);
        }
    }
    if (c.parent_anchor_file) {
        if (auto text = files::read_limited(*c.parent_anchor_file); text.ok()) {
            if (auto anchors = zone::parse_trust_anchors(*text, *c.parent_anchor_file);
                !anchors.ok()) {
                note("dns.parent_anchor_file: " + anchors.error().message);
            } else {
                // Each zone read at its parent needs an anchor above it.
                for (const auto& z : c.zones) {
                    if (auto a = zone::read_parent_anchor(*c.parent_anchor_file, z.name); !a.ok())
                        note("zone " + z.name + ": dns.parent_anchor_file: " + a.error().message);
                    if (z.parent_servers.empty() && !c.resolver)
                        note("zone " + z.name +
                             ": no parent_servers, and no dns.resolver to find the parent's");
                }
            }
        }
    }
    std::vector<std::pair<std::string, std::string>> ca_files;  // field, path
    for (const auto& s : c.slots) {
        if (s.issuer_ca_file)
            ca_files.emplace_back("key " + s.name + ": issuer_ca_file", *s.issuer_ca_file);
    }
    if (c.acme && c.acme->issuer_ca_file)
        ca_files.emplace_back("acme.issuer_ca_file", *c.acme->issuer_ca_file);
    if (c.acme && c.acme->ca_bundle) ca_files.emplace_back("acme.ca_bundle", *c.acme->ca_bundle);
    for (const auto& [field, path] : ca_files) {
        if (auto text = files::read_limited(path); text.ok()) {
            if (auto certificates = cert::parse_chain_pem(*text, path); !certificates.ok())
                note(field + ": " + certificates.error().message);
        }
    }
    for (const auto& s : c.slots) {
        for (const auto& path : s.issuer_certificates) {
            if (auto text = files::read_limited(path); text.ok()) {
                if (auto ca = cert::parse_issuer_ca_pem(*text, path); !ca.ok())
                    note("key " + s.name + ": issuer_certificates: " + ca.error().message);
            }
        }
    }
    return problems;
}

// Parsing first, then the file-system checks, so a broken file is not also reported as missing.
Result<config::Config> checked_config(const std::string& path) {
    DK_TRY(config::Config c, config::load_config(path));
    auto files_checked = config::check_files(c);
    std::string problems = files_checked.ok() ? "" : files_checked.error().message;
    for (const std::string& more : {tsig_key_problems(c), anchor_and_ca_problems(c)}) {
        if (!more.empty()) problems += (problems.empty() ? "" : "\n") + more;
    }
    if (!problems.empty()) return Error::bad_input(problems);
    return c;
}

// The lint rules that need no network: the TLSA TTL against the rollover plan, key ages when a
// state database exists already (config check never creates one), and a metrics listener on a
// wildcard address.
std::vector<ops::Finding> offline_lint(const config::Config& c) {
    SystemClock clock;
    std::vector<ops::SlotFacts> facts;
    const std::string db_path = c.state_dir + "/state.db";
    auto store = ::access(db_path.c_str(), F_OK) == 0 ? db::Store::open(db_path)
                                                      : Result<db::Store>(Error::environment(""));
    if (store.ok()) {
        service::SqlStateStore states(*store, clock);
        facts = service::offline_slot_facts(c, &states);
    } else {
        facts = service::offline_slot_facts(c, nullptr);
    }
    auto findings = ops::lint(facts, {}, service::lint_policy_for(c.audit), clock.now());
    if (auto warning = config::metrics_listen_warning(c))
        findings.push_back({"metrics-listen-wildcard", ops::Severity::warning, "metrics.listen",
                            std::move(*warning)});
    return findings;
}

}  // namespace

int run_config(const Invocation& inv) {
    VerbOptions options(inv,
                        "danekeeper config check [--json]: report every problem in the "
                        "configuration (exit 0 when none, 2 when any)");
    options.json();
    options.positional();
    if (auto stop = options.parse()) return *stop;
    const auto sub = options.words();
    if (sub.size() != 1 || sub[0] != "check")
        return fail(Error::bad_input("usage: danekeeper config check [--json]"));
    const bool json = options.given("json");
    const std::string path = inv.globals.config_path.value_or(config::default_config_path);
    auto c = checked_config(path);
    const auto findings = c.ok() ? offline_lint(*c) : std::vector<ops::Finding>{};
    if (json) {
        nlohmann::json out{{"config", path}, {"ok", c.ok() && !ops::any_error(findings)}};
        if (c.ok()) {
            out["zones"] = c->zones.size();
            out["key_slots"] = c->slots.size();
            out["lint"] = nlohmann::json::array();
            for (const auto& f : findings) {
                out["lint"].push_back({{"rule", f.rule},
                                       {"severity", to_string(f.severity)},
                                       {"where", f.where},
                                       {"message", f.message}});
            }
        } else {
            out["problems"] = lines_of(c.error().message);
        }
        std::printf("%s\n", out.dump(2).c_str());
    } else if (c.ok()) {
        for (const auto& f : findings) {
            std::fprintf(stderr, "%s: lint %s %s %s: %s\n", path.c_str(),
                         std::string(to_string(f.severity)).c_str(), f.rule.c_str(),
                         f.where.c_str(), f.message.c_str());
        }
        if (!ops::any_error(findings))
            std::printf("ok: %zu zones, %zu key slots\n", c->zones.size(), c->slots.size());
    } else {
        for (const auto& line : lines_of(c.error().message))
            std::fprintf(stderr, "%s\n", line.c_str());
    }
    if (c.ok() && ops::any_error(findings)) return to_int(ExitCode::bad_input);
    return c.ok() ? 0 : to_int(exit_code_for(c.error().kind));
}

}  // namespace dk::cli
