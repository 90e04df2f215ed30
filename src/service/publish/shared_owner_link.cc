#include "service/publish/shared_owner_link.h"

#include <thread>

#include "base/files.h"
#include "base/log.h"
#include "zone/resolver/served_everywhere.h"

namespace dk::service {
namespace {

using Kind = engine::OwnerPreparation::Kind;

engine::OwnerPreparation preparation(Kind kind, std::string reason) {
    engine::OwnerPreparation p;
    p.kind = kind;
    p.reason = std::move(reason);
    return p;
}

// The CNAME target at `owner`, if the primary serves one there.
Result<std::optional<std::string>> cname_at(zone::Publisher& publisher, const std::string& owner) {
    DK_TRY(zone::Rrset cname, publisher.read_rrset(owner, LDNS_RR_TYPE_CNAME));
    if (cname.rdatas.empty()) return std::optional<std::string>{};
    return std::optional<std::string>{cname.rdatas.front()};
}

}  // namespace

Result<zone::SharedOwnerAtPrimary> SharedOwnerLink::read_primary(
    const std::vector<std::string>& owners) {
    zone::SharedOwnerAtPrimary at;
    at.zone = options_.zone;
    at.shared = options_.shared;
    if (!zone::absolute_owner(at.shared, at.zone).ok()) return at;  // refused by the plan
    DK_TRY(at.shared_cname, cname_at(publisher_, at.shared));
    if (!at.shared_cname) {
        DK_TRY(at.shared_tlsa, publisher_.read_rrset(at.shared, LDNS_RR_TYPE_TLSA));
    }
    for (const auto& owner : owners) {
        zone::EndpointOwnerAtPrimary e;
        e.owner = owner;
        DK_TRY(e.cname, cname_at(publisher_, owner));
        if (!e.cname) {
            DK_TRY(e.tlsa, publisher_.read_rrset(owner, LDNS_RR_TYPE_TLSA));
        }
        at.endpoints.push_back(std::move(e));
    }
    return at;
}

bool SharedOwnerLink::shared_served_everywhere(TimePoint now) {
    const auto servers = view_.observe(options_.shared, now);
    if (servers.empty() || !servers.front().answered) return false;
    const auto& primary = servers.front();
    return zone::served_everywhere(servers, primary.serial, [&](const zone::ServerView& s) {
        return s.validated && s.cname_chain.empty() && s.rdatas == primary.rdatas;
    });
}

// Bounded: the next run looks again when the servers are slower than the deadline.
Status SharedOwnerLink::await_shared(TimePoint now) {
    const auto until = std::chrono::steady_clock::now() + options_.propagation_deadline;
    auto pause = std::chrono::milliseconds(20);
    while (!shared_served_everywhere(now)) {
        if (std::chrono::steady_clock::now() + pause > until)
            return Error::environment("the shared RRset at " + options_.shared +
                                      " is not served everywhere yet");
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 3 / 2, std::chrono::milliseconds(500));
    }
    return {};
}

Result<std::optional<TimePoint>> SharedOwnerLink::hold() const {
    auto text = files::read_limited(options_.hold_file, 64);
    if (!text.ok()) return std::optional<TimePoint>{};  // no link replaced an RRset yet
    try {
        return std::optional<TimePoint>{from_unix_seconds(std::stoll(*text))};
    } catch (const std::exception&) {
        return Error::bad_input(options_.hold_file + ": not a unix time");
    }
}

// Only ever later: a second link never shortens the first one's wait.
Status SharedOwnerLink::extend_hold(TimePoint until) const {
    DK_TRY(std::optional<TimePoint> current, hold());
    if (current && *current >= until) return {};
    return files::write_atomic(options_.hold_file, std::to_string(unix_seconds(until)) + "\n", 0600,
                               files::Overwrite::yes);
}

// A primary may take the TLSA deletions of a link and silently drop its CNAME: Knot keeps a
// signed name's RRSIG and NSEC records until it re-signs and ignores a CNAME beside them (RFC
// 2136 3.4.2.2 lets it). The owner then serves no TLSA at all (senders fall back to
// opportunistic TLS; none fails), so the CNAME goes in at once, guarded by nothing being there.
Result<std::string> SharedOwnerLink::relink_dropped(const std::vector<std::string>& owners,
                                                    const std::string& serial) {
    DK_TRY(zone::SharedOwnerAtPrimary after, read_primary(owners));
    const zone::LinkStep again = zone::plan_shared_owner_link(after, options_.ttl);
    if (again.kind != zone::LinkStepKind::link) return std::string();
    log::warn("dns.shared_owner_cname_dropped",
              {{"zone", options_.zone}, {"serial", serial}, {"owners", again.reason}});
    DK_TRY(zone::UpdateResult result, publisher_.apply(again.change));
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged) {
        return Error::check_failed(options_.shared + ": " + result.message);
    }
    return "; the primary dropped CNAMEs, added again (serial " +
           (result.serial ? std::to_string(*result.serial) : "?") + ")";
}

Result<engine::OwnerPreparation> SharedOwnerLink::prepare(const std::vector<std::string>& owners,
                                                          TimePoint now, bool apply) {
    DK_TRY(zone::SharedOwnerAtPrimary at, read_primary(owners));
    const zone::LinkStep step = zone::plan_shared_owner_link(at, options_.ttl);
    if (step.kind == zone::LinkStepKind::refused) return preparation(Kind::refused, step.reason);
    if (step.kind == zone::LinkStepKind::linked) {
        auto ready = preparation(Kind::ready, step.reason);
        DK_TRY(ready.removals_not_before, hold());
        return ready;
    }
    // Every endpoint becomes an alias only of an RRset every server already serves, validated.
    if (step.kind == zone::LinkStepKind::link && !shared_served_everywhere(now))
        return preparation(Kind::waiting, "waiting until every server serves " + options_.shared +
                                              " before " + step.reason);
    if (!apply) return preparation(Kind::changed, "would: " + step.reason);
    // Stored before the UPDATE: a crash right after it still keeps the wait.
    if (step.kind == zone::LinkStepKind::link && step.replaced_ttl_max > 0) {
        DK_TRY_STATUS(extend_hold(now + Seconds{step.replaced_ttl_max}));
    }
    DK_TRY(zone::UpdateResult result, publisher_.apply(step.change));
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged) {
        return Error::check_failed(options_.shared + ": " + result.message);
    }
    const std::string serial = result.serial ? std::to_string(*result.serial) : "?";
    log::info("dns.shared_owner", {{"zone", options_.zone},
                                   {"shared", options_.shared},
                                   {"step", step.reason},
                                   {"serial", serial}});
    if (step.kind == zone::LinkStepKind::copy) {
        if (auto waited = await_shared(now); !waited.ok())
            log::warn("dns.propagation_slow", {{"why", waited.error().message}});
    }
    std::string relinked;
    if (step.kind == zone::LinkStepKind::link) {
        DK_TRY(relinked, relink_dropped(owners, serial));
    }
    return preparation(Kind::changed, step.reason + " (serial " + serial + ")" + relinked);
}

}  // namespace dk::service
