#include "service/issuance/acme_dns01.h"

#include <algorithm>
#include <map>
#include <thread>

#include "acme/jwk.h"
#include "acme/problem.h"
#include "base/log.h"
#include "base/strings.h"

namespace dk::service {
namespace {

// RFC 1123 host name labels: letters, digits, hyphens, 1 to 63 bytes, not starting or ending
// with a hyphen.
bool host_label(std::string_view label) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-')
        return false;
    return std::all_of(label.begin(), label.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-';
    });
}

bool host_name(std::string_view name) {
    if (name.ends_with('.')) name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    for (std::size_t start = 0;;) {
        const std::size_t dot = name.find('.', start);
        if (!host_label(name.substr(start, dot - start))) return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

// owner -> TXT values (each one character-string), in task order.
Result<std::map<std::string, std::vector<std::string>>> by_owner(
    const std::vector<acme::ChallengeTask>& tasks) {
    std::map<std::string, std::vector<std::string>> out;
    for (const auto& t : tasks) {
        DK_TRY(std::string owner, challenge_owner(t.identifier));
        DK_TRY(std::string value,
               zone::txt_character_string(acme::dns01_txt_value(t.key_authorization)));
        out[owner].push_back(std::move(value));
    }
    return out;
}

}  // namespace

Result<std::string> challenge_owner(std::string identifier) {
    if (identifier.starts_with("*.")) identifier.erase(0, 2);
    // The name becomes a record owner: only a host name, never text a record line could read.
    if (!host_name(identifier))
        return Error::bad_input("dns-01: \"" + acme::printable_text(identifier, 260) +
                                "\" is not a host name");
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
    DK_TRY(const auto wanted, by_owner(tasks));
    std::vector<std::string> owners;
    for (const auto& [owner, values] : wanted) owners.push_back(owner);
    // Read before publishing: what resolvers may hold is what the servers served until now.
    const CacheWait wait = prior_answers_wait(owners);
    for (const auto& [owner, values] : wanted) {
        DK_TRY_STATUS(change(owner, values, zone::ChangeAction::add));
        log::info("acme.dns01_published", {{"owner", owner}, {"records", values.size()}});
    }
    DK_TRY_STATUS(await_everywhere(wanted));
    // A validating resolver that holds the NSEC covering the owner answers NXDOMAIN from it
    // (RFC 8198) until it expires, whatever the servers serve now.
    log::info("acme.dns01_cache_wait",
              {{"seconds", wait.wait.count()}, {"capped", wait.capped ? "yes" : "no"}});
    std::this_thread::sleep_for(wait.wait);
    return {};
}

CacheWait Dns01Responder::prior_answers_wait(const std::vector<std::string>& owners) const {
    std::vector<PriorAnswer> answers;
    for (const auto& server : options_.authoritative) {
        for (const auto& owner : owners) {
            auto answer = ask_prior_answer(server, options_.transport, owner);
            if (!answer.ok()) {
                // Unknown is not "nothing cached": wait the longest we allow.
                log::warn("acme.dns01_prior_answer_unknown",
                          {{"owner", owner}, {"error", answer.error().message}});
                return {options_.max_cache_wait, true};
            }
            answers.push_back(*answer);
        }
    }
    return cache_wait(answers, options_.max_cache_wait);
}

// Every authoritative server must serve every value before the CA is told to look: the CA
// may ask any of them.
Status Dns01Responder::await_everywhere(
    const std::map<std::string, std::vector<std::string>>& wanted) {
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
    auto published = by_owner(tasks);
    if (!published.ok()) return;  // present refused these tasks before publishing anything
    for (const auto& [owner, values] : *published) {
        auto removed = change(owner, values, zone::ChangeAction::remove);
        if (removed.ok())
            log::info("acme.dns01_removed", {{"owner", owner}});
        else
            log::warn("acme.dns01_cleanup_failed",
                      {{"owner", owner}, {"error", removed.error().message}});
    }
}

}  // namespace dk::service
