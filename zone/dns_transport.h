// One DNS exchange with one server: send a query (or UPDATE), get back a reply that is proven to
// answer it. ldns does the wire format and TSIG; this file adds sockets, timeouts and the checks.
//
// The reply is accepted only if it comes from the server's address and port, has QR set, the
// query's ID and opcode, the same question (zone section for UPDATE: name, type, class), and,
// when a TSIG key is given, a TSIG RR from that key whose MAC verifies against our request MAC
// and whose time is within the fudge of our clock. Anything else is an error, never a reply.
// UDP first; a reply with TC set is retried once over TCP. No retries here: callers decide.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/endpoint.h"
#include "base/ldns_handles.h"
#include "base/result.h"
#include "zone/tsig_key.h"

namespace dk::zone {

enum class Protocol { udp_then_tcp, tcp_only };

struct TransportOptions {
    std::chrono::milliseconds timeout{3000};  // per attempt (UDP, and TCP after TC)
    Protocol protocol = Protocol::udp_then_tcp;
    std::optional<TsigKey> tsig;  // sign the query and require a verified signed reply
    std::uint16_t fudge = 300;    // TSIG time window, seconds (RFC 8945 recommends 300)
};

// Why an exchange failed; decides whether a caller may resend.
enum class ExchangeFailure {
    no_reply,       // timeout, unreachable, connection reset: nothing was received; safe to resend
    bad_reply,      // something came back but it is no proven answer (malformed, wrong ID or
                    // question, unsigned or badly signed): never trust, do not retry blindly
    tsig_rejected,  // the server refused our signature: BADSIG, BADKEY, BADTIME, BADTRUNC, or an
                    // unsigned NOTAUTH (PowerDNS)
};

struct ExchangeError {
    ExchangeFailure failure = ExchangeFailure::no_reply;
    Error error;  // one line naming the server and the cause; never the secret
};

// Either the verified reply or why there is none.
struct ExchangeOutcome {
    ldns::PktPtr reply;                  // set on success
    std::optional<ExchangeError> error;  // set on failure
    [[nodiscard]] bool ok() const { return reply != nullptr; }
};

// Sends `query` to `server` and returns the verified reply (any rcode: the caller reads it).
// The query is copied; the copy gets a fresh random ID (and the TSIG RR when a key is given).
ExchangeOutcome exchange_detailed(const HostPort& server, const ldns_pkt& query,
                                  const TransportOptions& options);

// The same, for callers that only need "reply or error" (kind environment for no_reply and
// bad_reply, check_failed for tsig_rejected, bad_input when the query cannot be encoded/signed).
Result<ldns::PktPtr> exchange(const HostPort& server, const ldns_pkt& query,
                              const TransportOptions& options);

// One question to one server: NAME TYPE IN, with EDNS0 (a 1232-byte buffer, DO set) unless
// `plain`, RD only when asking a resolver. `name_kind` words the error for a malformed name
// ("bad zone name X").
struct Question {
    std::string name;
    ldns_rr_type type = LDNS_RR_TYPE_A;
    bool recursion_desired = false;
    bool plain = false;
    std::string_view name_kind = "name";
};

// Builds the question and exchanges it; the reply's rcode is the caller's to read.
Result<ldns::PktPtr> ask_server(const HostPort& server, const Question& question,
                                const TransportOptions& options);

// The pure half of the checks, for tests and the fuzz target: parses `reply_wire` as the answer
// to `sent` (the exact query as sent, TSIG RR included when signed) and classifies it.
// `now_unix` is the time used for the TSIG time check.
ExchangeOutcome check_reply(const std::string& server, const ldns_pkt& sent,
                            std::span<const std::uint8_t> reply_wire,
                            const std::optional<TsigKey>& tsig, std::uint16_t fudge,
                            long long now_unix);

}  // namespace dk::zone
