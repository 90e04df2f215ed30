// Fuzzes the reader of MTA-STS policies (what a policy host serves) and of _mta-sts TXT records:
// never crash; a policy read holds only what its grammar allows (at most max_mx_patterns patterns,
// each a lower-case host name or *.name, max_age within the limit) and renders to a text that
// reads back the same; an id read is 1 to 32 letters or digits.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "mtasts/policy.h"
#include "mtasts/sts_record.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto id = dk::mtasts::parse_sts_record(input); id.ok() && !dk::mtasts::valid_id(*id))
        std::abort();
    auto policy = dk::mtasts::parse_policy(input);
    if (!policy.ok()) {
        if (policy.error().message.empty()) std::abort();
        return 0;
    }
    if (size > dk::mtasts::max_policy_bytes) std::abort();
    if (policy->max_age > dk::mtasts::max_age_limit) std::abort();
    if (policy->mx.size() > dk::mtasts::max_mx_patterns) std::abort();
    if (policy->mx.empty() && policy->mode != dk::mtasts::Mode::none) std::abort();
    auto text = dk::mtasts::render_policy(*policy);
    if (!text.ok()) std::abort();  // everything read renders
    auto again = dk::mtasts::parse_policy(*text);
    if (!again.ok() || !(*again == *policy)) std::abort();
    for (const auto& p : policy->mx) {
        if (!dk::mtasts::mx_matches(p, p.starts_with("*.") ? "x" + p.substr(1) : p)) std::abort();
    }
    return 0;
}
