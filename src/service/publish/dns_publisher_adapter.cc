#include "service/publish/dns_publisher_adapter.h"

#include <algorithm>
#include <map>

#include "base/log.h"

namespace dk::service {
namespace {

zone::Rrset observed_rrset(const std::string& owner, const std::vector<TlsaRecord>& records,
                           std::uint32_t ttl) {
    zone::Rrset rrset;
    rrset.owner = owner;
    rrset.type = LDNS_RR_TYPE_TLSA;
    rrset.ttl = ttl;
    for (const auto& r : records) rrset.rdatas.push_back(r.rdata_text());
    return rrset;
}

Error error_for(const zone::UpdateResult& result) {
    switch (result.outcome) {
        case zone::UpdateOutcome::prerequisite_failed:
        case zone::UpdateOutcome::refused:
        case zone::UpdateOutcome::tsig_rejected:
            return Error::check_failed(result.message);
        default:
            return Error::environment(result.message);
    }
}

// Every change once at the shared owner. The engine saw the shared RRset through each
// endpoint's CNAME, so every endpoint's view must be the same RRset; anything else means an
// endpoint is not linked and nothing is sent.
Result<std::vector<engine::TlsaChange>> at_shared_owner(
    const std::vector<engine::TlsaChange>& changes, const std::string& shared) {
    std::vector<engine::TlsaChange> out;
    for (const auto& c : changes) {
        if (!out.empty() && c.expected != out.front().expected)
            return Error::check_failed("the endpoint owners do not all serve the RRset at " +
                                       shared + " (" + c.owner + " differs): not publishing");
        engine::TlsaChange moved = c;
        moved.owner = shared;
        if (std::find(out.begin(), out.end(), moved) == out.end()) out.push_back(std::move(moved));
    }
    return out;
}

}  // namespace

Result<engine::OwnerPreparation> DnsPublisherAdapter::prepare_owners(
    const std::vector<std::string>& owners, TimePoint now, bool apply) {
    if (link_ == nullptr) return engine::OwnerPreparation{};
    return link_->prepare(owners, now, apply);
}

// One UPDATE for every owner: all prerequisites hold together or nothing changes, and the
// secondaries see a single serial step (a burst of serials makes IXFR followers lag).
Result<std::string> DnsPublisherAdapter::publish(const std::vector<engine::TlsaChange>& requested) {
    DK_TRY(const zone::ZoneChange change, change_for(requested));
    DK_TRY(const zone::UpdateResult result, publisher_.apply(change));
    return answer(change, result);
}

Result<zone::ZoneChange> DnsPublisherAdapter::change_for(
    const std::vector<engine::TlsaChange>& requested) const {
    std::vector<engine::TlsaChange> changes = requested;
    if (link_ != nullptr) {
        DK_TRY(changes, at_shared_owner(requested, link_->shared()));
    }
    std::map<std::string, std::vector<const engine::TlsaChange*>> by_owner;
    for (const auto& c : changes) by_owner[c.owner].push_back(&c);
    zone::ZoneChange change;
    change.zone = zone_;
    for (const auto& [owner, owner_changes] : by_owner) {
        change.expected.push_back(observed_rrset(owner, owner_changes.front()->expected, ttl_));
        for (const auto* c : owner_changes) {
            change.changes.push_back({c->op == engine::ChangeOp::add ? zone::ChangeAction::add
                                                                     : zone::ChangeAction::remove,
                                      owner, LDNS_RR_TYPE_TLSA, ttl_, c->record.rdata_text()});
        }
    }
    return change;
}

Result<std::string> DnsPublisherAdapter::answer(const zone::ZoneChange& change,
                                                const zone::UpdateResult& result) const {
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged) {
        return error_for(result);
    }
    log::info("dns.updated", {{"zone", zone_},
                              {"owners", static_cast<long long>(change.expected.size())},
                              {"changes", static_cast<long long>(change.changes.size())},
                              {"serial", result.serial ? std::to_string(*result.serial) : "?"}});
    const std::string where = link_ != nullptr ? " at " + link_->shared() : "";
    return std::string(zone::to_string(result.outcome)) + where + " by " + result.rcode +
           ", serial " + (result.serial ? std::to_string(*result.serial) : "?");
}

}  // namespace dk::service
