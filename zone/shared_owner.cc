#include "zone/shared_owner.h"

#include <algorithm>

#include "base/strings.h"

namespace dk::zone {
namespace {

LinkStep refused(std::string reason) {
    LinkStep step;
    step.kind = LinkStepKind::refused;
    step.reason = std::move(reason);
    return step;
}

bool same_name(const std::string& a, const std::string& b) {
    return lower(a) == lower(b);
}

// A name the CNAME cannot stand beside: anything other than one alias to the shared owner.
std::optional<std::string> refusal(const SharedOwnerAtPrimary& p) {
    if (auto inside = absolute_owner(p.shared, p.zone); !inside.ok()) {
        return "tlsa_owner " + p.shared + " is outside zone " + p.zone +
               ": danekeeper publishes the shared RRset only in the zone it updates";
    }
    if (p.shared_cname) {
        return "tlsa_owner " + p.shared + " is itself a CNAME to " + *p.shared_cname +
               ": a CNAME chain is refused; name the last owner or remove that CNAME";
    }
    for (const auto& e : p.endpoints) {
        if (same_name(e.owner, p.shared))
            return "tlsa_owner " + p.shared + " is the endpoint owner " + e.owner + " itself";
        if (e.cname && !same_name(*e.cname, p.shared)) {
            return e.owner + " is a CNAME to " + *e.cname + ", not to tlsa_owner " + p.shared +
                   ": it is not ours to replace; remove it or set tlsa_owner to its target";
        }
    }
    return std::nullopt;
}

// Every record an endpoint's own RRset holds that the shared RRset lacks, added in one UPDATE.
std::optional<LinkStep> copy_step(const SharedOwnerAtPrimary& p, std::uint32_t ttl) {
    LinkStep step;
    step.kind = LinkStepKind::copy;
    step.change.zone = p.zone;
    Rrset after = p.shared_tlsa;
    for (const auto& e : p.endpoints) {
        for (const auto& rdata : e.tlsa.rdatas) {
            if (std::find(after.rdatas.begin(), after.rdatas.end(), rdata) != after.rdatas.end())
                continue;
            after.rdatas.push_back(rdata);
            step.change.changes.push_back(
                {ChangeAction::add, p.shared, LDNS_RR_TYPE_TLSA, ttl, rdata});
        }
    }
    if (step.change.changes.empty()) return std::nullopt;
    Rrset expected = p.shared_tlsa;
    expected.owner = p.shared;
    expected.type = LDNS_RR_TYPE_TLSA;
    step.change.expected.push_back(expected);
    step.reason = "shared owner " + p.shared + " takes the " +
                  std::to_string(step.change.changes.size()) +
                  " record(s) the endpoint owners serve before they become CNAMEs";
    return step;
}

// One UPDATE: each endpoint's TLSA records out, its CNAME in, guarded by what was seen there.
std::optional<LinkStep> link_step(const SharedOwnerAtPrimary& p, std::uint32_t ttl) {
    LinkStep step;
    step.kind = LinkStepKind::link;
    step.change.zone = p.zone;
    step.change.links_alias = true;
    std::string owners;
    for (const auto& e : p.endpoints) {
        if (e.cname) continue;
        Rrset tlsa = e.tlsa;
        tlsa.owner = e.owner;
        tlsa.type = LDNS_RR_TYPE_TLSA;
        step.change.expected.push_back(tlsa);
        step.change.expected.push_back({e.owner, LDNS_RR_TYPE_CNAME, 0, {}});
        for (const auto& rdata : e.tlsa.rdatas)
            step.change.changes.push_back(
                {ChangeAction::remove, e.owner, LDNS_RR_TYPE_TLSA, 0, rdata});
        step.change.changes.push_back(
            {ChangeAction::add, e.owner, LDNS_RR_TYPE_CNAME, ttl, p.shared});
        if (!e.tlsa.rdatas.empty())
            step.replaced_ttl_max = std::max(step.replaced_ttl_max, e.tlsa.ttl);
        owners += (owners.empty() ? "" : ", ") + e.owner;
    }
    if (step.change.changes.empty()) return std::nullopt;
    step.reason = owners + " become CNAMEs to " + p.shared;
    return step;
}

}  // namespace

LinkStep plan_shared_owner_link(const SharedOwnerAtPrimary& primary, std::uint32_t ttl) {
    if (auto why = refusal(primary)) return refused(*why);
    if (auto copy = copy_step(primary, ttl)) return *copy;
    if (auto link = link_step(primary, ttl)) return *link;
    LinkStep done;
    done.kind = LinkStepKind::linked;
    done.reason = "every endpoint owner is a CNAME to " + primary.shared;
    return done;
}

}  // namespace dk::zone
