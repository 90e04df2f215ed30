#include "service/issuance/acme_dns01.h"

#include <algorithm>
#include <map>
#include <thread>

#include "acme/jwk.h"
#include "base/log.h"
#include "base/strings.h"

namespace dk::service {
namespace {

std::string txt_rdata(const std::string& value) {
    return "\"" + value + "\"";
}

// owner -> TXT values, in task order.
std::map<std::string, std::vector<std::string>> by_owner(
    const std::vector<acme::ChallengeTask>& tasks) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : tasks) {
        out[challenge_owner(t.identifier)].push_back(
            txt_rdata(acme::dns01_txt_value(t.key_authorization)));
    }
    return out;
}

}  // namespace

std::string challenge_owner(std::string identifier) {
    if (identifier.starts_with("*.")) identifier.erase(0, 2);
    return "_acme-challenge." + lower(absolute_name(std::move(identifier)));
}

Status Dns01Responder::change(const std::string& owner, const std::vector<std::string>& values,
                              zone::ChangeAction action) {
    DK_TRY(zone::Rrset current, publisher_.read_rrset(owner, LDNS_RR_TYPE_TXT));
    zone::ZoneChange change{options_.zone, {}, {current}};
    for (const auto& value : values)
        change.changes.push_back({action, owner, LDNS_RR_TYPE_TXT, options_.ttl, value});
    DK_TRY(zone::UpdateResult result, publisher_.apply(change));
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged)
        return zone::to_error(result).context(owner + " TXT");
    return {};
}

Status Dns01Responder::present(const std::vector<acme::ChallengeTask>& tasks) {
    for (const auto& [owner, values] : by_owner(tasks)) {
        DK_TRY_STATUS(change(owner, values, zone::ChangeAction::add));
        log::info("acme.dns01_published", {{"owner", owner}, {"records", values.size()}});
    }
    return await_everywhere(tasks);
}

// Every authoritative server must serve every value before the CA is told to look: the CA
// may ask any of them.
Status Dns01Responder::await_everywhere(const std::vector<acme::ChallengeTask>& tasks) {
    const auto wanted = by_owner(tasks);
    const auto deadline = std::chrono::steady_clock::now() + options_.deadline;
    for (const auto& server : options_.authoritative) {
        for (const auto& [owner, values] : wanted) {
            while (true) {
                auto rrset = zone::query_rrset(server, options_.transport, owner, LDNS_RR_TYPE_TXT);
                std::vector<std::string> served;
                if (rrset.ok()) {
                    for (const auto& r : rrset->rdatas) {
                        auto canonical = zone::canonical_rdata(LDNS_RR_TYPE_TXT, r);
                        served.push_back(canonical.ok() ? *canonical : r);
                    }
                }
                const bool all = std::all_of(values.begin(), values.end(), [&](const auto& v) {
                    auto canonical = zone::canonical_rdata(LDNS_RR_TYPE_TXT, v);
                    const std::string& want = canonical.ok() ? *canonical : v;
                    return std::find(served.begin(), served.end(), want) != served.end();
                });
                if (all) break;
                if (std::chrono::steady_clock::now() > deadline)
                    return Error::environment(server.host + ":" + std::to_string(server.port) +
                                              ": does not serve " + owner + " TXT within " +
                                              std::to_string(options_.deadline.count()) + " s");
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
        }
    }
    log::info("acme.dns01_served", {{"servers", options_.authoritative.size()}});
    return {};
}

void Dns01Responder::cleanup(const std::vector<acme::ChallengeTask>& tasks) {
    for (const auto& [owner, values] : by_owner(tasks)) {
        auto removed = change(owner, values, zone::ChangeAction::remove);
        if (removed.ok())
            log::info("acme.dns01_removed", {{"owner", owner}});
        else
            log::warn("acme.dns01_cleanup_failed",
                      {{"owner", owner}, {"error", removed.error().message}});
    }
}

}  // namespace dk::service
