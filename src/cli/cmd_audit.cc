// danekeeper audit: BSI TR-03108-1 EMLREQ_2/4/6 per endpoint and address with the evidence, plus
// the pre-flight lint; exit 0 pass, 1 fail (--nagios: 0/1/2/3). --html FILE also writes the page
// people read (ops/audit_html.h) with the timeline of the last --days.
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/files.h"
#include "base/log.h"
#include "base/version.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "ops/audit_html.h"
#include "ops/audit_report.h"
#include "ops/metrics.h"
#include "service/report/audit_history.h"
#include "service/report/audit_observer.h"
#include "service/runtime/tlsrpt_records.h"
#include "service/tlsrpt/standing.h"

namespace dk::cli {
namespace {

nlohmann::json finding_json(const ops::Finding& f) {
    return {{"rule", f.rule},
            {"severity", to_string(f.severity)},
            {"where", f.where},
            {"message", f.message}};
}

nlohmann::json audit_json(const std::vector<ops::AuditItem>& items,
                          const std::vector<ops::Finding>& findings, TimePoint now) {
    nlohmann::json out{{"at", iso_time(now)},
                       {"pass", ops::audit_pass(items, findings)},
                       {"items", nlohmann::json::array()},
                       {"lint", nlohmann::json::array()}};
    for (const auto& item : items) {
        nlohmann::json reqs = nlohmann::json::array();
        for (const auto& r : item.requirements) {
            reqs.push_back(
                {{"id", r.id}, {"check", r.check}, {"pass", r.pass}, {"evidence", r.evidence}});
        }
        out["items"].push_back({{"endpoint", item.endpoint},
                                {"address", item.address},
                                {"algorithm", item.algorithm},
                                {"at", iso_time(item.at)},
                                {"pass", item.pass()},
                                {"requirements", reqs}});
    }
    for (const auto& f : findings) out["lint"].push_back(finding_json(f));
    return out;
}

void print_text(const std::vector<ops::AuditItem>& items, const std::vector<ops::Finding>& findings,
                const std::optional<service::TlsrptStanding>& tlsrpt) {
    std::size_t failed = 0;
    for (const auto& item : items) {
        failed += item.pass() ? 0 : 1;
        const std::string where =
            item.algorithm.empty() ? item.address : item.address + " " + item.algorithm;
        std::printf("%s %s [%s] at %s\n", item.pass() ? "PASS" : "FAIL", item.endpoint.c_str(),
                    where.c_str(), iso_time(item.at).c_str());
        for (const auto& r : item.requirements) {
            std::printf("  %-4s %s %s: %s\n", r.pass ? "ok" : "FAIL", r.id.c_str(), r.check.c_str(),
                        r.evidence.c_str());
        }
    }
    for (const auto& f : findings) {
        std::printf("lint %s %s %s: %s\n", std::string(to_string(f.severity)).c_str(),
                    f.rule.c_str(), f.where.c_str(), f.message.c_str());
    }
    // What senders saw (RFC 8460): evidence beside ours; it does not change the verdict.
    if (tlsrpt) {
        for (const auto& line : service::standing_lines(*tlsrpt)) std::printf("%s\n", line.c_str());
    }
    std::printf("audit: %s (%zu endpoint addresses, %zu failed; %zu lint findings)\n",
                ops::audit_pass(items, findings) ? "PASS" : "FAIL", items.size(), failed,
                findings.size());
}

constexpr int max_html_days = 366;

// --html FILE [--days N]: the page's file, checked before any work (bad input, exit 2).
struct HtmlRequest {
    std::string path;
    int days = 30;
};

Result<std::optional<HtmlRequest>> html_request(const cxxopts::ParseResult& parsed) {
    if (!parsed.count("html")) {
        if (parsed.count("days")) return Error::bad_input("audit: --days needs --html FILE");
        return std::optional<HtmlRequest>{};
    }
    if (parsed.count("nagios"))
        return Error::bad_input("audit: --html and --nagios do not go together");
    HtmlRequest request{parsed["html"].as<std::string>(), parsed["days"].as<int>()};
    if (request.days < 1 || request.days > max_html_days)
        return Error::bad_input("audit: --days must be 1.." + std::to_string(max_html_days));
    DK_TRY_STATUS(check_output_path("--html", request.path));
    return std::optional<HtmlRequest>{std::move(request)};
}

Status write_page(service::Runtime& rt, const service::AuditObservations& obs,
                  const std::vector<ops::AuditItem>& items,
                  const std::vector<ops::Finding>& findings,
                  const std::optional<service::TlsrptStanding>& tlsrpt, const HtmlRequest& request,
                  TimePoint now) {
    DK_TRY(auto history, service::audit_history(rt, obs, now, request.days));
    ops::AuditPage page{now,
                        std::string("danekeeper ") + dk::version,
                        items,
                        findings,
                        request.days,
                        ops::build_timeline(history),
                        tlsrpt ? service::standing_lines(*tlsrpt) : std::vector<std::string>{}};
    return files::write_atomic(request.path, ops::render_audit_html(page), 0644,
                               files::Overwrite::yes);
}

// Each managed _smtp._tls record as configured and as its zone's primary serves it.
std::vector<ops::TlsrptRecordFacts> tlsrpt_record_facts(const service::Runtime& rt) {
    std::vector<ops::TlsrptRecordFacts> out;
    for (const auto& r : service::keep_tlsrpt_records(rt, false)) {
        ops::TlsrptRecordFacts f;
        if (r.outcome.ok()) {
            f = {r.outcome->owner, r.outcome->wanted, r.outcome->served, {}};
        } else {
            f.owner = service::tlsrpt_owner(r.zone);
            f.unreadable = r.outcome.error().message;
        }
        out.push_back(std::move(f));
    }
    return out;
}

}  // namespace

int run_audit(const Invocation& inv) {
    VerbOptions options(inv,
                        "BSI TR-03108-1 EMLREQ_2/4/6 evidence per endpoint and address, and "
                        "the pre-flight lint (exit 0 pass, 1 fail, 2 config, 3 environment)");
    options.json().nagios();
    options.add()("html", "also write the audit as one self-contained HTML page to FILE",
                  cxxopts::value<std::string>())(
        "days", "the page's timeline covers the last N days (1..366)",
        cxxopts::value<int>()->default_value("30"));
    if (auto stop = options.parse()) return *stop;
    const cxxopts::ParseResult& parsed = options.result();
    const bool nagios = parsed.count("nagios") > 0;
    auto html = html_request(parsed);
    if (!html.ok()) return fail(html.error());
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
    if (!rt.ok()) return fail(rt.error());
    const auto started = std::chrono::steady_clock::now();
    const TimePoint now = (*rt)->clock.now();
    auto obs = service::observe_for_audit(**rt, now);
    if (!obs.ok()) return fail(obs.error());
    const auto items = ops::judge_audit(obs->endpoints, obs->policy, now);
    auto findings =
        ops::lint(obs->slots, obs->mx, service::lint_policy_for((*rt)->config.audit), now);
    findings.insert(findings.end(), obs->problems.begin(), obs->problems.end());
    const auto record_findings = ops::lint_tlsrpt_record(tlsrpt_record_facts(**rt));
    findings.insert(findings.end(), record_findings.begin(), record_findings.end());
    const bool pass = ops::audit_pass(items, findings);
    if (nagios) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        const auto report = ops::audit_nagios(items, findings, took.count());
        std::fputs(ops::format_nagios(report).c_str(), stdout);
        return static_cast<int>(report.state);
    }
    std::optional<service::TlsrptStanding> tlsrpt;
    if (auto s = service::tlsrpt_standing((*rt)->store, now, ops::tlsrpt_metrics_window); s.ok())
        tlsrpt = std::move(*s);
    else
        log::warn("audit.tlsrpt_failed", {{"error", s.error().message}});
    if (*html) {
        if (auto s = write_page(**rt, *obs, items, findings, tlsrpt, **html, now); !s.ok())
            return fail(s.error());
    }
    if (parsed.count("json")) {
        nlohmann::json out = audit_json(items, findings, now);
        if (tlsrpt) out["tlsrpt"] = service::standing_json(*tlsrpt);
        std::printf("%s\n", out.dump(2).c_str());
    } else {
        print_text(items, findings, tlsrpt);
    }
    return pass ? 0 : 1;
}

}  // namespace dk::cli
