// danekeeper tlsrpt list|summary [--since T] [--json] | tlsrpt import FILE... | tlsrpt record:
// the SMTP TLS reports (RFC 8460) senders filed about our MX: taken in from files, listed, summed
// up; and the _smtp._tls record that tells senders where to send them.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/strings.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "ops/since.h"
#include "service/runtime/runtime.h"
#include "service/runtime/tlsrpt_records.h"
#include "service/tlsrpt/intake.h"
#include "service/tlsrpt/maildir.h"
#include "service/tlsrpt/summary.h"

namespace dk::cli {
namespace {

struct TlsrptArgs {
    std::string sub;
    std::vector<std::string> files;
    TimePoint since{};
    bool json = false;
    bool maildir = false;
};

Result<TlsrptArgs> parse_args(const VerbOptions& options, TimePoint now) {
    const cxxopts::ParseResult& opts = options.result();
    auto words = options.words();
    if (words.empty() || (words[0] != "list" && words[0] != "summary" && words[0] != "import" &&
                          words[0] != "record"))
        return Error::bad_input(
            "tlsrpt: give list, summary, record or import FILE... (or --maildir)");
    TlsrptArgs args{words[0],
                    {words.begin() + 1, words.end()},
                    {},
                    opts.count("json") != 0,
                    opts.count("maildir") != 0};
    if (args.maildir && args.sub != "import")
        return Error::bad_input("tlsrpt " + args.sub + ": --maildir belongs to import");
    if (args.sub == "import") {
        if (args.files.empty() && !args.maildir)
            return Error::bad_input("tlsrpt import: give one or more FILEs, or --maildir");
        if (opts.count("since") != 0 || args.json)
            return Error::bad_input("tlsrpt import: --since and --json belong to list and summary");
        return args;
    }
    if (!args.files.empty())
        return Error::bad_input("tlsrpt " + args.sub + ": takes no argument (" +
                                printable(args.files[0]) + ")");
    if (args.sub == "record" && opts.count("since") != 0)
        return Error::bad_input("tlsrpt record: --since belongs to list and summary");
    if (opts.count("since") != 0) {
        auto t = ops::parse_since(opts["since"].as<std::string>(), now);
        if (!t.ok()) return t.error();
        args.since = *t;
    }
    return args;
}

std::string range(const db::TlsrptReportRow& r) {
    return iso_time(r.start) + ".." + iso_time(r.end);
}

nlohmann::json report_json(const db::TlsrptReportRow& r) {
    nlohmann::json policies = nlohmann::json::array();
    for (const auto& p : r.policies) {
        nlohmann::json failures = nlohmann::json::array();
        for (const auto& f : p.failures)
            failures.push_back({{"result_type", f.result_type},
                                {"sending_mta_ip", f.sending_mta_ip},
                                {"receiving_mx_hostname", f.receiving_mx_hostname},
                                {"receiving_mx_helo", f.receiving_mx_helo},
                                {"receiving_ip", f.receiving_ip},
                                {"failed_sessions", f.failed_sessions},
                                {"additional_information", f.additional_information},
                                {"failure_reason_code", f.failure_reason_code}});
        policies.push_back({{"policy_type", p.policy_type},
                            {"policy_domain", p.policy_domain},
                            {"policy_strings", p.policy_strings},
                            {"mx_hosts", p.mx_hosts},
                            {"successful_sessions", p.successful},
                            {"failed_sessions", p.failed},
                            {"failures", failures}});
    }
    return {{"organization", r.organization},
            {"report_id", r.report_id},
            {"contact_info", r.contact_info},
            {"start", iso_time(r.start)},
            {"end", iso_time(r.end)},
            {"received", iso_time(r.received_at)},
            {"source", r.source},
            {"failed_sessions", service::failed_sessions(r)},
            {"dane_failed_sessions", service::dane_failed_sessions(r)},
            {"policies", policies}};
}

void print_list(const std::vector<db::TlsrptReportRow>& reports) {
    for (const auto& r : reports) {
        std::int64_t successful = 0;
        for (const auto& p : r.policies) successful += p.successful;
        std::printf("%s %s report_id=%s successful=%lld failed=%lld dane_failed=%lld\n",
                    range(r).c_str(), printable(r.organization).c_str(),
                    printable(r.report_id).c_str(), static_cast<long long>(successful),
                    static_cast<long long>(service::failed_sessions(r)),
                    static_cast<long long>(service::dane_failed_sessions(r)));
    }
}

nlohmann::json summary_json(const service::TlsrptSummary& s) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& g : s.failures)
        failures.push_back({{"result_type", g.result_type},
                            {"policy_type", g.policy_type},
                            {"receiving_mx_hostname", g.receiving_mx_hostname},
                            {"dane", g.dane},
                            {"failed_sessions", g.failed_sessions},
                            {"reports", g.reports},
                            {"first", iso_time(g.first)},
                            {"last", iso_time(g.last)}});
    return {{"reports", s.reports},
            {"organizations", s.organizations},
            {"successful_sessions", s.successful_sessions},
            {"failed_sessions", s.failed_sessions},
            {"dane_failed_sessions", s.dane_failed_sessions},
            {"failures", failures}};
}

void print_summary(const service::TlsrptSummary& s) {
    std::printf(
        "%lld reports from %lld organizations: %lld sessions succeeded, %lld failed (%lld "
        "DANE failures)\n",
        static_cast<long long>(s.reports), static_cast<long long>(s.organizations),
        static_cast<long long>(s.successful_sessions), static_cast<long long>(s.failed_sessions),
        static_cast<long long>(s.dane_failed_sessions));
    for (const auto& g : s.failures) {
        const std::string mx = g.receiving_mx_hostname.empty() ? "-" : g.receiving_mx_hostname;
        std::printf("  %s%s policy=%s mx=%s failed=%lld reports=%lld %s..%s\n",
                    g.dane ? "DANE " : "", printable(g.result_type).c_str(),
                    printable(g.policy_type).c_str(), printable(mx).c_str(),
                    static_cast<long long>(g.failed_sessions), static_cast<long long>(g.reports),
                    iso_time(g.first).c_str(), iso_time(g.last).c_str());
    }
}

// One line per zone whose record is managed: in step, or what the primary serves instead. Exit 0
// all in step, 1 a record differs, 3 a primary (or signed file) could not be read.
int show_records(const service::Runtime& rt, bool json) {
    int worst = 0;
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : service::keep_tlsrpt_records(rt, false)) {
        if (!r.outcome.ok()) {
            worst = std::max(worst, to_int(exit_code_for(r.outcome.error().kind)));
            out.push_back({{"zone", r.zone}, {"error", r.outcome.error().message}});
            if (!json)
                std::printf("%s: cannot read: %s\n", r.zone.c_str(),
                            printable(r.outcome.error().message).c_str());
            continue;
        }
        const auto& o = *r.outcome;
        if (!o.in_step) worst = std::max(worst, to_int(ExitCode::check_failed));
        out.push_back({{"zone", r.zone},
                       {"owner", o.owner},
                       {"configured", o.wanted},
                       {"served", o.served},
                       {"in_step", o.in_step}});
        if (json) continue;
        std::string served;
        for (const auto& text : o.served) served += " \"" + printable(text) + "\"";
        std::printf("%s TXT \"%s\": %s%s\n", o.owner.c_str(), o.wanted.c_str(),
                    o.in_step ? "served" : "not served; the primary serves",
                    o.in_step ? "" : (served.empty() ? " no TLSRPT record" : served.c_str()));
    }
    if (json) std::printf("%s\n", out.dump(2).c_str());
    if (!json && out.empty()) std::printf("no zone has TLSRPT report URIs (tlsrpt rua)\n");
    return worst;
}

}  // namespace

int run_tlsrpt(const Invocation& inv) {
    VerbOptions options(inv,
                        "SMTP TLS reports (RFC 8460): tlsrpt import FILE... (a .json or .json.gz "
                        "report), tlsrpt list, tlsrpt summary, tlsrpt record (the _smtp._tls "
                        "record served vs configured: exit 1 when it differs) (exit 0, 2 bad "
                        "input, 3 store or DNS)");
    options.add()("since",
                  "list and summary: only reports whose date range ends at or after T: "
                  "2026-11-24T12:00:00Z, Unix seconds, or an age such as 7d",
                  cxxopts::value<std::string>());
    options.add()("maildir",
                  "import: the messages in [tlsrpt] maildir's new/, as the daemon reads them");
    options.json();
    options.positional("list|summary|record|import FILE...");
    if (auto stop = options.parse()) return *stop;
    const TimePoint now = SystemClock{}.now();
    auto args = parse_args(options, now);
    if (!args.ok()) return fail(args.error());
    if (args->sub == "import") {
        auto rt = service::open_runtime(inv.globals.config_path, service::Locking::read_only);
        if (!rt.ok()) return fail(rt.error());
        int worst = 0;
        if (args->maildir) {
            const auto& maildir = (*rt)->config.tlsrpt.maildir;
            if (!maildir)
                return fail(Error::bad_input((*rt)->config.source +
                                             ": tlsrpt import --maildir: no [tlsrpt] maildir"));
            auto pass = service::take_in_maildir((*rt)->store, *maildir, SystemClock{}.now());
            if (!pass.ok()) return fail(pass.error());
            std::printf("%d stored, %d stored before, %d refused, %d left for the next pass\n",
                        pass->stored, pass->duplicates, pass->refused, pass->deferred);
            if (pass->refused > 0) worst = to_int(ExitCode::bad_input);
            if (pass->deferred > 0) worst = to_int(ExitCode::environment);
        }
        for (const auto& file : args->files) {
            auto intake = service::take_in_file((*rt)->store, file, SystemClock{}.now());
            if (!intake.ok()) {
                worst = std::max(worst, fail(intake.error()));
                continue;
            }
            service::log_intake(*intake, file);
        }
        return worst;
    }
    auto rt = service::open_runtime(inv.globals.config_path, service::Locking::reader);
    if (!rt.ok()) return fail(rt.error());
    if (args->sub == "record") return show_records(**rt, args->json);
    auto reports = (*rt)->store.tlsrpt_reports_since(args->since);
    if (!reports.ok()) return fail(reports.error());
    if (args->sub == "list") {
        if (!args->json) {
            print_list(*reports);
            return 0;
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& r : *reports) out.push_back(report_json(r));
        std::printf("%s\n", out.dump(2).c_str());
        return 0;
    }
    const service::TlsrptSummary summary = service::summarise(*reports);
    if (args->json)
        std::printf("%s\n", summary_json(summary).dump(2).c_str());
    else
        print_summary(summary);
    return 0;
}

}  // namespace dk::cli
