#include "service/report/status_snapshot.h"

#include <map>

#include "base/files.h"
#include "base/log.h"
#include "ops/metrics.h"
#include "service/tlsrpt/summary.h"

namespace dk::service {

Result<std::vector<ops::SlotStatusFacts>> collect_slot_status(Runtime& rt,
                                                              const std::string& only_slot) {
    DK_TRY(const auto stored, rt.states.load_all());
    std::vector<ops::SlotStatusFacts> facts;
    for (const auto& slot : rt.config.slots) {
        if (!only_slot.empty() && slot.name != only_slot) continue;
        DK_TRY(const auto state, stored.load(slot.name));
        ops::SlotStatusFacts f{slot.name, state.has_value(), {}, slot.renew_before_days, 0, {}};
        if (state) {
            f.cert_not_after = state->current_cert_not_after;
            f.failed_verifications = state->failed_verifications;
            if (state->phase == engine::Phase::rolling)
                f.switch_not_before = state->switch_not_before;
        }
        facts.push_back(std::move(f));
    }
    return facts;
}

Result<std::vector<ops::ReportedDaneFailures>> reported_dane_failures(Runtime& rt) {
    DK_TRY(const auto reports,
           rt.store.tlsrpt_reports_since(rt.clock.now() - ops::tlsrpt_metrics_window));
    std::map<std::string, ops::ReportedDaneFailures> by_organization;
    for (const auto& r : reports) {
        const std::int64_t sessions = dane_failed_sessions(r);
        if (sessions <= 0) continue;
        auto& f = by_organization[r.organization];
        f.organization = r.organization;
        f.sessions += sessions;
        f.latest_end = std::max(f.latest_end, r.end);
    }
    std::vector<ops::ReportedDaneFailures> out;
    for (auto& [organization, f] : by_organization) out.push_back(std::move(f));
    return out;
}

Result<ops::RunFreshness> run_freshness(Runtime& rt) {
    DK_TRY(const auto last, rt.store.last_run());
    const auto& m = rt.config.monitoring;
    return ops::RunFreshness{last ? std::optional(last->finished_at) : std::nullopt,
                             last ? last->result : 0, Seconds{m.run_interval_seconds},
                             m.stale_warning_factor, m.stale_critical_factor};
}

void write_status_snapshot(Runtime& rt) {
    const auto& m = rt.config.monitoring;
    if (!m.status_file) return;
    const auto failed = [&](const std::string& why) {
        log::warn("status_file.write_failed", {{"file", *m.status_file}, {"error", why}});
    };
    auto slots = collect_slot_status(rt, "");
    if (!slots.ok()) return failed(slots.error().message);
    auto runs = run_freshness(rt);
    if (!runs.ok()) return failed(runs.error().message);
    std::optional<gid_t> group;
    if (m.status_file_group) {
        group = files::group_id(*m.status_file_group);
        if (!group) return failed("no group named '" + *m.status_file_group + "'");
    }
    auto reported = reported_dane_failures(rt);
    if (!reported.ok()) return failed(reported.error().message);
    const ops::StatusSnapshot snapshot{rt.clock.now(), *runs, std::move(*slots),
                                       std::move(*reported)};
    if (auto s = files::write_atomic_for_group(*m.status_file, ops::snapshot_json(snapshot), 0640,
                                               group);
        !s.ok())
        return failed(s.error().message);
}

}  // namespace dk::service
