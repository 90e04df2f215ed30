#include "service/tlsrpt/standing.h"

#include "base/strings.h"

namespace dk::service {

Result<TlsrptStanding> tlsrpt_standing(db::Store& store, TimePoint now, Seconds window) {
    TlsrptStanding s{window, {}, {}};
    auto reports = store.tlsrpt_reports_since(now - window);
    if (!reports) return reports.error();
    s.summary = summarise(*reports);
    auto events = store.events_since(now - window, std::string("tlsrpt_dane_failures"));
    if (!events) return events.error();
    for (auto& e : *events) {
        if (e.at <= now) s.alerts.push_back(std::move(e));
    }
    return s;
}

std::vector<std::string> standing_lines(const TlsrptStanding& s) {
    std::vector<std::string> lines;
    if (s.summary.reports == 0 && s.alerts.empty()) return lines;
    const long long days = s.window.count() / 86400;
    lines.push_back(
        "tlsrpt: " + std::to_string(s.summary.reports) + " reports from " +
        std::to_string(s.summary.organizations) + " senders in the last " + std::to_string(days) +
        " days: " + std::to_string(s.summary.successful_sessions) + " sessions succeeded, " +
        std::to_string(s.summary.failed_sessions) + " failed, " +
        std::to_string(s.summary.dane_failed_sessions) + " of them DANE failures");
    for (const auto& g : s.summary.failures) {
        if (!g.dane) continue;
        lines.push_back("  DANE " + printable(g.result_type) + " mx=" +
                        printable(g.receiving_mx_hostname.empty() ? "-" : g.receiving_mx_hostname) +
                        " failed=" + std::to_string(g.failed_sessions) + " " + iso_time(g.first) +
                        ".." + iso_time(g.last));
    }
    for (const auto& e : s.alerts)
        lines.push_back("  alert " + iso_time(e.at) + " slot " + printable(e.slot) + ": " +
                        printable(e.details));
    return lines;
}

nlohmann::json standing_json(const TlsrptStanding& s) {
    nlohmann::json failures = nlohmann::json::array();
    for (const auto& g : s.summary.failures)
        failures.push_back({{"result_type", g.result_type},
                            {"policy_type", g.policy_type},
                            {"receiving_mx_hostname", g.receiving_mx_hostname},
                            {"dane", g.dane},
                            {"failed_sessions", g.failed_sessions},
                            {"first", iso_time(g.first)},
                            {"last", iso_time(g.last)}});
    nlohmann::json alerts = nlohmann::json::array();
    for (const auto& e : s.alerts)
        alerts.push_back({{"at", iso_time(e.at)}, {"slot", e.slot}, {"details", e.details}});
    return {{"window_days", s.window.count() / 86400},
            {"reports", s.summary.reports},
            {"successful_sessions", s.summary.successful_sessions},
            {"failed_sessions", s.summary.failed_sessions},
            {"dane_failed_sessions", s.summary.dane_failed_sessions},
            {"failures", failures},
            {"alerts", alerts}};
}

}  // namespace dk::service
