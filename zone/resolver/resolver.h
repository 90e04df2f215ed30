// Questions to the configured validating resolver (RD=1, DO=1), with typed verdicts: a sender
// trusts an answer or a denial only when the resolver set the AD bit.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/endpoint.h"
#include "base/result.h"
#include "base/tlsa.h"

namespace dk::zone {

enum class QueryType { a, aaaa, mx, tlsa, txt };

// What the resolver's reply proves. A resolver that does not answer at all is an Error instead.
enum class ResolverVerdict {
    answer,            // NOERROR with records of the asked type, AD set
    validated_denial,  // NXDOMAIN or NODATA, AD set
    insecure,          // an answer or a denial without AD: not trusted
    failure,           // an error rcode (SERVFAIL for bogus data, REFUSED, ...): a sender defers
};

inline constexpr std::uint16_t rcode_noerror = 0;
inline constexpr std::uint16_t rcode_nxdomain = 3;

struct MxRecord {
    std::uint16_t preference = 0;
    std::string host;  // presentation form as served, absolute; "." is a null MX (RFC 7505)
};

// The parsed reply. Only the list of the asked type is filled, in answer-section order.
struct ResolverReply {
    ResolverVerdict verdict = ResolverVerdict::failure;
    std::uint16_t rcode = rcode_noerror;
    std::vector<TlsaRecord> tlsa;
    std::vector<MxRecord> mx;
    std::vector<std::string> addresses;  // A or AAAA, presentation form
    std::vector<std::string> txt;        // each TXT record's strings joined, bytes as sent
    std::vector<std::string> cnames;     // CNAME targets in the answer, in order (RFC 7671 7.4)
};

// The verdict from a reply's rcode, AD bit and whether it holds records of the asked type.
ResolverVerdict classify_reply(std::uint16_t rcode, bool authenticated_data, bool has_records);

// The pure half: reads a reply in wire format as the answer to a `type` question.
Result<ResolverReply> read_resolver_reply(std::span<const std::uint8_t> wire, QueryType type);

// One question; an Error only when there is no reply to judge (environment: the resolver did not
// answer or answered with something that is no reply; bad_input: `name` is no domain name).
Result<ResolverReply> ask_resolver(const HostPort& resolver, const std::string& name,
                                   QueryType type);

// The TLSA RRset at `owner` as the resolver proves it: verdict answer or validated_denial.
// check_failed when insecure; environment when the resolver fails or does not answer.
Result<ResolverReply> lookup_tlsa(const HostPort& resolver, const std::string& owner);

// The same, where only records will do: a validated denial is check_failed too.
Result<std::vector<TlsaRecord>> require_tlsa(const HostPort& resolver, const std::string& owner);

// A and AAAA of `host` (absolute) as the resolver answers them, AD or not: the TLS handshake
// authenticates the server, not its address. Error only when the resolver does not answer.
Result<std::vector<std::string>> resolve_addresses(const HostPort& resolver,
                                                   const std::string& host);

}  // namespace dk::zone
