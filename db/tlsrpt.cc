// The SMTP TLS reports senders filed: stored once per (organization, report-id), read back whole.
#include <SQLiteCpp/Statement.h>

#include <map>
#include <utility>

#include "db/db_error.h"
#include "db/store.h"

namespace dk::db {
namespace {

void insert_policy(SQLite::Database& db, std::int64_t report, int position,
                   const TlsrptPolicyRow& p) {
    SQLite::Statement q(db,
                        "INSERT INTO tlsrpt_policies (report, position, policy_type, "
                        "policy_domain, policy_strings, mx_hosts, successful, failed) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, report);
    q.bind(2, position);
    q.bind(3, p.policy_type);
    q.bind(4, p.policy_domain);
    q.bind(5, p.policy_strings);
    q.bind(6, p.mx_hosts);
    q.bind(7, p.successful);
    q.bind(8, p.failed);
    q.exec();
    SQLite::Statement f(db,
                        "INSERT INTO tlsrpt_failures (report, policy, position, result_type, "
                        "sending_mta_ip, receiving_mx_hostname, receiving_mx_helo, receiving_ip, "
                        "failed_sessions, additional_information, failure_reason_code) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    int index = 0;
    for (const TlsrptFailureRow& d : p.failures) {
        f.reset();
        f.bind(1, report);
        f.bind(2, position);
        f.bind(3, index++);
        f.bind(4, d.result_type);
        f.bind(5, d.sending_mta_ip);
        f.bind(6, d.receiving_mx_hostname);
        f.bind(7, d.receiving_mx_helo);
        f.bind(8, d.receiving_ip);
        f.bind(9, d.failed_sessions);
        f.bind(10, d.additional_information);
        f.bind(11, d.failure_reason_code);
        f.exec();
    }
}

}  // namespace

Result<bool> Store::add_tlsrpt_report(const TlsrptReportRow& r) {
    bool added = false;
    const std::string what = "store TLS report " + r.report_id + " from " + r.organization;
    auto done = transaction([&]() -> Status {
        try {
            SQLite::Statement q(*db_,
                                "INSERT OR IGNORE INTO tlsrpt_reports (organization, report_id, "
                                "contact_info, start_at, end_at, received_at, source) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?)");
            q.bind(1, r.organization);
            q.bind(2, r.report_id);
            q.bind(3, r.contact_info);
            q.bind(4, static_cast<int64_t>(unix_seconds(r.start)));
            q.bind(5, static_cast<int64_t>(unix_seconds(r.end)));
            q.bind(6, static_cast<int64_t>(unix_seconds(r.received_at)));
            q.bind(7, r.source);
            if (q.exec() == 0) return {};  // stored before: the same report filed again
            added = true;
            const std::int64_t id = db_->getLastInsertRowid();
            int position = 0;
            for (const TlsrptPolicyRow& p : r.policies) insert_policy(*db_, id, position++, p);
            return {};
        } catch (const std::exception& e) {
            return db_error(what, e);
        }
    });
    if (!done.ok()) return done.error();
    return added;
}

Result<std::vector<TlsrptReportRow>> Store::tlsrpt_reports_since(TimePoint since) {
    try {
        std::vector<TlsrptReportRow> out;
        std::map<std::int64_t, std::size_t> at;  // report id -> index in out
        SQLite::Statement reports(*db_,
                                  "SELECT id, organization, report_id, contact_info, start_at, "
                                  "end_at, received_at, source FROM tlsrpt_reports "
                                  "WHERE end_at >= ? ORDER BY start_at, id");
        reports.bind(1, static_cast<int64_t>(unix_seconds(since)));
        while (reports.executeStep()) {
            at[reports.getColumn(0).getInt64()] = out.size();
            out.push_back({reports.getColumn(1).getString(),
                           reports.getColumn(2).getString(),
                           reports.getColumn(3).getString(),
                           from_unix_seconds(reports.getColumn(4).getInt64()),
                           from_unix_seconds(reports.getColumn(5).getInt64()),
                           from_unix_seconds(reports.getColumn(6).getInt64()),
                           reports.getColumn(7).getString(),
                           {}});
        }
        SQLite::Statement policies(
            *db_,
            "SELECT p.report, p.policy_type, p.policy_domain, "
            "p.policy_strings, p.mx_hosts, p.successful, p.failed "
            "FROM tlsrpt_policies p JOIN tlsrpt_reports r ON r.id = p.report "
            "WHERE r.end_at >= ? ORDER BY p.report, p.position");
        policies.bind(1, static_cast<int64_t>(unix_seconds(since)));
        while (policies.executeStep()) {
            out[at.at(policies.getColumn(0).getInt64())].policies.push_back(
                {policies.getColumn(1).getString(),
                 policies.getColumn(2).getString(),
                 policies.getColumn(3).getString(),
                 policies.getColumn(4).getString(),
                 policies.getColumn(5).getInt64(),
                 policies.getColumn(6).getInt64(),
                 {}});
        }
        SQLite::Statement failures(
            *db_,
            "SELECT f.report, f.policy, f.result_type, f.sending_mta_ip, f.receiving_mx_hostname, "
            "f.receiving_mx_helo, f.receiving_ip, f.failed_sessions, f.additional_information, "
            "f.failure_reason_code FROM tlsrpt_failures f JOIN tlsrpt_reports r ON r.id = f.report "
            "WHERE r.end_at >= ? ORDER BY f.report, f.policy, f.position");
        failures.bind(1, static_cast<int64_t>(unix_seconds(since)));
        while (failures.executeStep()) {
            auto& report = out[at.at(failures.getColumn(0).getInt64())];
            report.policies.at(static_cast<std::size_t>(failures.getColumn(1).getInt()))
                .failures.push_back(
                    {failures.getColumn(2).getString(), failures.getColumn(3).getString(),
                     failures.getColumn(4).getString(), failures.getColumn(5).getString(),
                     failures.getColumn(6).getString(), failures.getColumn(7).getInt64(),
                     failures.getColumn(8).getString(), failures.getColumn(9).getString()});
        }
        return out;
    } catch (const std::exception& e) {
        return db_error("read TLS reports", e);
    }
}

}  // namespace dk::db
