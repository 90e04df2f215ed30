#include "service/publish/batched_updates.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "base/log.h"
#include "base/strings.h"

namespace dk::service {
namespace {

using RrsetKey = std::pair<std::string, ldns_rr_type>;

struct Part {
    std::size_t index = 0;      // into the caller's changes
    std::size_t bytes = 0;      // its records on the wire, at most
    std::set<RrsetKey> rrsets;  // touched
};

struct Message {
    std::vector<const Part*> parts;
    std::size_t bytes = 0;
};

// A message's size without name compression: what it takes at most. (Compression pointers reach
// only the first 16 KB of a message, so sizes of small messages do not add up to a large one's.)
std::size_t uncompressed_bytes(const ldns_pkt& pkt) {
    std::size_t bytes = LDNS_HEADER_SIZE;
    for (const ldns_rr_list* section : {ldns_pkt_question(&pkt), ldns_pkt_answer(&pkt),
                                        ldns_pkt_authority(&pkt), ldns_pkt_additional(&pkt)}) {
        for (std::size_t i = 0; i < ldns_rr_list_rr_count(section); ++i)
            bytes += ldns_rr_uncompressed_size(ldns_rr_list_rr(section, i));
    }
    return bytes;
}

// The message's header and zone section, which every part shares.
Result<std::size_t> overhead_bytes(const std::string& zone) {
    zone::ZoneChange empty;
    empty.zone = zone;
    DK_TRY(ldns::PktPtr pkt, zone::build_update(empty));
    return uncompressed_bytes(*pkt);
}

bool refused_as_a_whole(const zone::UpdateResult& result) {
    return result.outcome == zone::UpdateOutcome::prerequisite_failed ||
           result.outcome == zone::UpdateOutcome::refused;
}

zone::ZoneChange merged(const std::vector<zone::ZoneChange>& changes, const Message& message) {
    zone::ZoneChange out;
    out.zone = changes[message.parts.front()->index].zone;
    for (const Part* p : message.parts) {
        const auto& c = changes[p->index];
        out.changes.insert(out.changes.end(), c.changes.begin(), c.changes.end());
        out.expected.insert(out.expected.end(), c.expected.begin(), c.expected.end());
    }
    return out;
}

}  // namespace

std::vector<std::optional<Result<zone::UpdateResult>>> apply_batched(
    zone::Publisher& publisher, const std::vector<zone::ZoneChange>& changes,
    std::size_t max_bytes) {
    std::vector<std::optional<Result<zone::UpdateResult>>> results(changes.size());
    if (changes.empty()) return results;
    const auto overhead = overhead_bytes(changes.front().zone);
    std::vector<Part> parts;
    for (std::size_t i = 0; i < changes.size(); ++i) {
        const auto& change = changes[i];
        auto delta = zone::minimal_delta(change);
        auto built = delta ? zone::build_update(*delta) : Result<ldns::PktPtr>(delta.error());
        auto size = built ? Result<std::size_t>(uncompressed_bytes(**built))
                          : Result<std::size_t>(built.error());
        // Alone: the link of a shared owner (its CNAMEs), nothing to send (the publisher reports
        // "unchanged" with the serial), another zone than the first, and anything the publisher
        // will refuse as bad input (it says why).
        if (!size || !overhead || change.links_alias || delta->changes.empty() ||
            change.zone != changes.front().zone) {
            results[i] = publisher.apply(change);
            continue;
        }
        Part part{i, *size - std::min(*size, *overhead), {}};
        for (const auto& c : delta->changes) part.rrsets.insert({lower(c.owner), c.type});
        const bool shared = std::any_of(parts.begin(), parts.end(), [&](const Part& earlier) {
            return std::any_of(part.rrsets.begin(), part.rrsets.end(),
                               [&](const RrsetKey& k) { return earlier.rrsets.count(k) > 0; });
        });
        if (!shared) parts.push_back(std::move(part));
    }
    // In the caller's order, a new message when the part does not fit in the last one.
    std::vector<Message> messages;
    for (const Part& part : parts) {
        if (messages.empty() || *overhead + messages.back().bytes + part.bytes > max_bytes)
            messages.emplace_back();
        messages.back().parts.push_back(&part);
        messages.back().bytes += part.bytes;
    }
    int sent = 0;  // messages for the parts (each a change to make)
    for (const auto& m : messages) {
        ++sent;
        if (m.parts.size() == 1) {
            results[m.parts.front()->index] = publisher.apply(changes[m.parts.front()->index]);
            continue;
        }
        auto together = publisher.apply(merged(changes, m));
        if (together && !refused_as_a_whole(*together)) {
            for (const Part* p : m.parts) results[p->index] = *together;
            continue;
        }
        log::warn("publish.batch_refused",
                  {{"changes", static_cast<long long>(m.parts.size())},
                   {"why", together ? together->message : together.error().message}});
        for (const Part* p : m.parts) {
            results[p->index] = publisher.apply(changes[p->index]);
            ++sent;
        }
    }
    log::info("publish.batched", {{"slots", static_cast<long long>(changes.size())},
                                  {"sent", static_cast<long long>(parts.size())},
                                  {"messages", static_cast<long long>(sent)}});
    return results;
}

}  // namespace dk::service
