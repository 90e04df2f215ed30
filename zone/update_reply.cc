#include "zone/update_reply.h"

#include <iterator>

namespace dk::zone {
namespace {

std::string rcode_name(ldns_pkt_rcode rcode) {
    const ldns_lookup_table* entry = ldns_lookup_by_id(ldns_rcodes, rcode);
    return entry != nullptr ? entry->name : "RCODE" + std::to_string(rcode);
}

UpdateOutcome outcome_for(ldns_pkt_rcode rcode) {
    switch (rcode) {
        case LDNS_RCODE_NOERROR:
            return UpdateOutcome::applied;
        case LDNS_RCODE_NXRRSET:
        case LDNS_RCODE_YXRRSET:
        case LDNS_RCODE_NXDOMAIN:
        case LDNS_RCODE_YXDOMAIN:
            return UpdateOutcome::prerequisite_failed;
        case LDNS_RCODE_REFUSED:
        case LDNS_RCODE_NOTAUTH:
        case LDNS_RCODE_NOTZONE:
            return UpdateOutcome::refused;
        default:
            return UpdateOutcome::server_error;
    }
}

}  // namespace

std::string_view to_string(UpdateOutcome outcome) {
    // In the order of enum UpdateOutcome.
    static constexpr std::string_view names[] = {"applied",  "unchanged",     "prerequisite_failed",
                                                 "refused",  "tsig_rejected", "server_error",
                                                 "no_reply", "bad_reply"};
    static_assert(std::size(names) == static_cast<std::size_t>(UpdateOutcome::bad_reply) + 1);
    const auto i = static_cast<std::size_t>(outcome);
    return i < std::size(names) ? names[i] : "server_error";
}

UpdateResult classify_update_reply(const std::string& server, const ldns_pkt& reply) {
    const ldns_pkt_rcode rcode = ldns_pkt_get_rcode(&reply);
    UpdateResult result;
    result.outcome = outcome_for(rcode);
    const std::string code = rcode_name(rcode);
    result.rcode = code;
    switch (result.outcome) {
        case UpdateOutcome::applied:
            result.message = server + " applied the update (" + code + ")";
            break;
        case UpdateOutcome::prerequisite_failed:
            result.message = server + " refused the update: prerequisite failed (" + code +
                             "); the RRset changed since it was read: re-read and re-plan";
            break;
        default:
            result.message = server + " refused the update: " + code;
            break;
    }
    return result;
}

UpdateResult classify_exchange_error(const ExchangeError& error) {
    UpdateResult result;
    switch (error.failure) {
        case ExchangeFailure::no_reply:
            result.outcome = UpdateOutcome::no_reply;
            break;
        case ExchangeFailure::bad_reply:
            result.outcome = UpdateOutcome::bad_reply;
            break;
        case ExchangeFailure::tsig_rejected:
            result.outcome = UpdateOutcome::tsig_rejected;
            break;
    }
    result.message = error.error.message;
    return result;
}

bool retry_safe(const UpdateResult& result) {
    return result.outcome == UpdateOutcome::no_reply ||
           (result.outcome == UpdateOutcome::server_error && result.rcode == "SERVFAIL");
}

Error to_error(const UpdateResult& result) {
    switch (result.outcome) {
        case UpdateOutcome::prerequisite_failed:
        case UpdateOutcome::refused:
        case UpdateOutcome::tsig_rejected:
            return Error::check_failed(result.message);
        default:
            return Error::environment(result.message);
    }
}

}  // namespace dk::zone
