// Every JSON document a CA sends is read here, with its nesting bounded: a document nested
// deeper than max_json_depth is a bad reply, so nothing that later walks it (dump, copy,
// compare: all recursive in nlohmann-json) can exhaust the stack. The parser itself keeps its
// own stack, so the bound holds for any input size the transport lets through (1 MiB).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk::acme {

// Arrays and objects inside one another; ACME documents use five at most.
constexpr int max_json_depth = 32;

// The document in `body`: "SOURCE: not JSON" or "SOURCE: JSON nested deeper than 32 levels"
// (environment: the server's reply is bad) otherwise.
Result<nlohmann::json> parse_json_reply(std::string_view body, const std::string& source);

}  // namespace dk::acme
