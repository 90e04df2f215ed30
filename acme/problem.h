// RFC 7807 problem documents as ACME servers send them (RFC 8555 section 6.7), reduced to one
// printable line and to what decides the client's next move.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dk::acme {

struct Subproblem {
    std::string type;        // short form, e.g. "rejectedIdentifier"
    std::string detail;      // printable, bounded
    std::string identifier;  // "dns:mx1.example.test" when given
};

struct Problem {
    std::string type;  // short form: "badNonce"; a non-ACME type is kept whole
    std::string detail;
    int status = 0;  // HTTP status from the document (0 when absent)
    std::vector<Subproblem> subproblems;

    [[nodiscard]] bool is(std::string_view short_type) const { return type == short_type; }
    // "rateLimited (HTTP 429): too many certificates; rejectedIdentifier dns:x: not allowed"
    [[nodiscard]] std::string one_line() const;
};

// nullopt unless `body` is a JSON object (nested at most max_json_depth) with a string "type".
// Untrusted: every string is made printable (control bytes become '?') and cut at 300 bytes; at
// most 10 subproblems kept.
std::optional<Problem> parse_problem(std::string_view body);

// The same for a member of a document already read (an order's or a challenge's "error").
std::optional<Problem> problem_from(const nlohmann::json& doc);

// "urn:ietf:params:acme:error:badNonce" -> "badNonce"; other URIs unchanged.
std::string short_problem_type(std::string_view type);

// Printable and bounded: for server text in our one-line messages.
std::string printable_text(std::string_view text, std::size_t max = 300);

}  // namespace dk::acme
