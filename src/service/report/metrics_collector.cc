#include "service/report/metrics_collector.h"

#include "base/files.h"
#include "base/log.h"
#include "service/metrics/metrics_server.h"
#include "service/report/audit_observer.h"
#include "service/tlsrpt/summary.h"

namespace dk::service {
namespace {

// What senders reported in the metrics window; a store failure leaves the figures at zero.
void collect_tlsrpt(Runtime& rt, ops::MetricsSnapshot& m) {
    auto reports = rt.store.tlsrpt_reports_since(rt.clock.now() - ops::tlsrpt_metrics_window);
    if (!reports.ok()) {
        log::warn("metrics.tlsrpt_failed", {{"error", reports.error().message}});
        return;
    }
    const TlsrptSummary summary = summarise(*reports);
    m.tlsrpt_reports = summary.reports;
    m.tlsrpt_dane_failed_sessions = summary.dane_failed_sessions;
    for (const auto& g : summary.failures)
        m.tlsrpt_failures.push_back(
            {g.result_type, g.policy_type, g.receiving_mx_hostname, g.dane, g.failed_sessions});
}

}  // namespace

ops::MetricsSnapshot collect_metrics(Runtime& rt, const RunOutcome& run) {
    ops::MetricsSnapshot m;
    m.last_run_result = run.result;
    m.last_run_seconds = run.seconds;
    m.last_run_at = run.ended;
    m.next_action = run.next_action;
    for (const auto& slot : rt.config.slots) {
        auto state = rt.states.load(slot.name);
        if (!state.ok() || !*state) continue;
        ops::SlotMetric metric{slot.name, (*state)->current_cert_not_after, std::nullopt, ""};
        for (const auto& step : run.planned) {
            if (step.slot != slot.name) continue;
            metric.next_action = step.at;
            metric.next_action_kind = step.action;
        }
        m.slots.push_back(std::move(metric));
    }
    collect_tlsrpt(rt, m);
    auto obs = observe_for_audit(rt, rt.clock.now());
    if (!obs.ok()) {
        log::warn("metrics.observe_failed", {{"error", obs.error().message}});
        return m;
    }
    for (const auto& e : obs->endpoints) {
        for (const auto& a : e.addresses)
            m.endpoints.push_back({e.slot, e.endpoint, a.address, a.algorithm, a.dane_ok});
        if (e.addresses.empty()) m.endpoints.push_back({e.slot, e.endpoint, "-", "", false});
    }
    for (const auto& slot : obs->slots) {
        for (const auto& o : slot.owners) {
            std::optional<long long> left;
            if (o.rrsig_expiration)
                left = unix_seconds(*o.rrsig_expiration) - unix_seconds(rt.clock.now());
            m.owners.push_back({o.owner, left});
        }
    }
    return m;
}

void export_metrics(Runtime& rt, const RunOutcome& run, const std::optional<std::string>& file,
                    MetricsServer* server) {
    if (!file && server == nullptr) return;
    const std::string text = ops::prometheus_text(collect_metrics(rt, run), rt.clock.now());
    if (server != nullptr) server->publish(text);
    if (!file) return;
    if (auto s = files::write_atomic(*file, text, 0644, files::Overwrite::yes); !s.ok())
        log::warn("metrics.write_failed", {{"file", *file}, {"error", s.error().message}});
}

}  // namespace dk::service
