// Rfc2136Publisher: send the guarded UPDATE (resending only where safe), then watch the primary
// until it serves the change and report its serial.
#include <algorithm>
#include <thread>

#include "base/log.h"
#include "zone/publisher.h"

namespace dk::zone {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool serves(const Rrset& seen, Rrset want) {
    std::sort(want.rdatas.begin(), want.rdatas.end());
    return seen.rdatas == want.rdatas;
}

}  // namespace

TransportOptions Rfc2136Publisher::transport() const {
    TransportOptions t;
    t.timeout = options_.timeout;
    t.tsig = options_.key;
    return t;
}

Result<Rrset> Rfc2136Publisher::read_rrset(const std::string& owner, ldns_rr_type type) {
    return query_rrset(options_.server, transport(), owner, type);
}

Result<UpdateResult> Rfc2136Publisher::apply(const ZoneChange& change) {
    DK_TRY(ZoneChange delta, minimal_delta(change));
    const std::string server = options_.server.to_string();
    if (delta.changes.empty()) {
        UpdateResult result{
            UpdateOutcome::unchanged, "", "nothing to change at " + server, std::nullopt, true, 0};
        auto serial = query_soa_serial(options_.server, transport(), delta.zone);
        if (serial) result.serial = *serial;
        return result;
    }
    DK_TRY(ldns::PktPtr update, build_update(delta));
    DK_TRY(const std::size_t size, wire_size(*update));
    UpdateResult result = send_with_retries(
        *update, size > max_udp_update_bytes ? Protocol::tcp_only : Protocol::udp_then_tcp);
    log::info("publish.update", {{"zone", delta.zone},
                                 {"server", server},
                                 {"outcome", std::string(to_string(result.outcome))},
                                 {"rcode", result.rcode},
                                 {"attempts", result.attempts}});
    if (result.outcome == UpdateOutcome::applied) confirm(delta, result);
    return result;
}

UpdateResult Rfc2136Publisher::send_with_retries(const ldns_pkt& update, Protocol protocol) {
    const std::string server = options_.server.to_string();
    TransportOptions over = transport();
    over.protocol = protocol;
    auto pause = options_.backoff;
    UpdateResult result;
    for (int attempt = 1;; ++attempt) {
        ExchangeOutcome out = exchange_detailed(options_.server, update, over);
        result = out.ok() ? classify_update_reply(server, *out.reply)
                          : classify_exchange_error(*out.error);
        result.attempts = attempt;
        if (!retry_safe(result) || attempt >= std::max(1, options_.attempts)) break;
        log::warn("publish.update.retry",
                  {{"server", server}, {"attempt", attempt}, {"reason", result.message}});
        std::this_thread::sleep_for(pause);
        pause *= 2;
    }
    if (result.outcome == UpdateOutcome::prerequisite_failed && result.attempts > 1) {
        result.message += " (an earlier attempt got no answer and may have been applied)";
    }
    return result;
}

// The primary may apply an update asynchronously (BIND inline signing): poll until every
// touched RRset is served as planned, then take the SOA serial that serves it.
void Rfc2136Publisher::confirm(const ZoneChange& delta, UpdateResult& result) {
    const auto deadline = SteadyClock::now() + options_.confirm_timeout;
    auto pause = std::chrono::milliseconds(10);
    for (;;) {
        bool all = true;
        for (const auto& expected : delta.expected) {
            auto seen = read_rrset(expected.owner, expected.type);
            all = all && seen && serves(*seen, apply_to(expected, delta.changes));
        }
        auto serial = query_soa_serial(options_.server, transport(), delta.zone);
        if (serial) result.serial = *serial;
        if (all && serial) {
            result.confirmed = true;
            return;
        }
        if (SteadyClock::now() + pause > deadline) break;
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(200));
    }
    log::warn("publish.unconfirmed",
              {{"zone", delta.zone}, {"server", options_.server.to_string()}});
}

}  // namespace dk::zone
