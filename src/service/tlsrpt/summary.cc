#include "service/tlsrpt/summary.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "tlsrpt/report.h"

namespace dk::service {

std::int64_t failed_sessions(const db::TlsrptReportRow& report) {
    std::int64_t n = 0;
    for (const auto& p : report.policies) n += p.failed;
    return n;
}

std::int64_t dane_failed_sessions(const db::TlsrptReportRow& report) {
    std::int64_t n = 0;
    for (const auto& p : report.policies) {
        for (const auto& f : p.failures) {
            if (tlsrpt::is_dane_failure(p.policy_type, f.result_type)) n += f.failed_sessions;
        }
    }
    return n;
}

TlsrptSummary summarise(const std::vector<db::TlsrptReportRow>& reports) {
    TlsrptSummary s;
    std::set<std::string> organizations;
    using Key = std::tuple<std::string, std::string, std::string>;
    std::map<Key, FailureGroup> groups;
    for (const auto& r : reports) {
        ++s.reports;
        organizations.insert(r.organization);
        std::set<Key> named;  // each report counts once per group
        for (const auto& p : r.policies) {
            s.successful_sessions += p.successful;
            s.failed_sessions += p.failed;
            for (const auto& f : p.failures) {
                const Key key{f.result_type, p.policy_type, f.receiving_mx_hostname};
                auto [it, fresh] = groups.try_emplace(key);
                FailureGroup& g = it->second;
                if (fresh) {
                    g = {f.result_type,
                         p.policy_type,
                         f.receiving_mx_hostname,
                         tlsrpt::is_dane_failure(p.policy_type, f.result_type),
                         0,
                         0,
                         r.start,
                         r.end};
                }
                g.failed_sessions += f.failed_sessions;
                g.first = std::min(g.first, r.start);
                g.last = std::max(g.last, r.end);
                if (named.insert(key).second) ++g.reports;
                if (g.dane) s.dane_failed_sessions += f.failed_sessions;
            }
        }
    }
    s.organizations = static_cast<std::int64_t>(organizations.size());
    for (auto& [key, g] : groups) s.failures.push_back(std::move(g));
    std::stable_sort(s.failures.begin(), s.failures.end(),
                     [](const FailureGroup& a, const FailureGroup& b) {
                         return a.failed_sessions > b.failed_sessions;
                     });
    return s;
}

}  // namespace dk::service
