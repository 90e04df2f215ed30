#include "service/publish/tlsrpt_record.h"

#include "base/log.h"
#include "base/tlsrpt_record.h"

namespace dk::service {

std::string tlsrpt_owner(const std::string& zone) {
    return "_smtp._tls." + zone;
}

Result<TlsrptRecordPlan> plan_tlsrpt_record(const std::string& zone, const zone::Rrset& served,
                                            const std::string& wanted, std::uint32_t ttl) {
    TlsrptRecordPlan plan;
    std::vector<std::string> stale;  // served rdata of TLSRPT records other than ours
    bool ours_served = false;
    for (const auto& rdata : served.rdatas) {
        auto joined = zone::txt_joined(rdata);
        if (!joined.ok() || !is_tlsrpt_record(*joined)) continue;  // not ours to judge
        plan.served.push_back(*joined);
        if (*joined == wanted && !ours_served)
            ours_served = true;
        else
            stale.push_back(rdata);
    }
    if (ours_served && stale.empty()) return plan;
    plan.kind = TlsrptRecordPlan::Kind::change;
    plan.change.zone = zone;
    plan.change.expected = {served};
    for (const auto& rdata : stale)
        plan.change.changes.push_back(
            {zone::ChangeAction::remove, served.owner, LDNS_RR_TYPE_TXT, 0, rdata});
    if (!ours_served) {
        DK_TRY(std::string rdata, zone::txt_rdata(character_strings(wanted)));
        plan.change.changes.push_back(
            {zone::ChangeAction::add, served.owner, LDNS_RR_TYPE_TXT, ttl, std::move(rdata)});
    }
    return plan;
}

Result<TlsrptRecordOutcome> keep_tlsrpt_record(zone::Publisher& publisher, const std::string& zone,
                                               const std::vector<std::string>& rua,
                                               std::uint32_t ttl, bool apply) {
    TlsrptRecordOutcome out;
    out.owner = tlsrpt_owner(zone);
    DK_TRY(out.wanted, tlsrpt_record_text(rua));
    DK_TRY(zone::Rrset served, publisher.read_rrset(out.owner, LDNS_RR_TYPE_TXT));
    served.owner = out.owner;
    DK_TRY(TlsrptRecordPlan plan, plan_tlsrpt_record(zone, served, out.wanted, ttl));
    out.served = plan.served;
    out.in_step = plan.kind == TlsrptRecordPlan::Kind::in_step;
    if (out.in_step || !apply) return out;
    DK_TRY(zone::UpdateResult result, publisher.apply(plan.change));
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged)
        return zone::to_error(result).context(out.owner + " TXT");
    out.changed = true;
    if (result.serial) out.serial = std::to_string(*result.serial);
    log::info("tlsrpt.record_published", {{"zone", zone},
                                          {"owner", out.owner},
                                          {"record", out.wanted},
                                          {"replaced", static_cast<long long>(plan.served.size())},
                                          {"serial", out.serial.empty() ? "?" : out.serial}});
    return out;
}

}  // namespace dk::service
