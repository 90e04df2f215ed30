// Fuzzes the status snapshot reader (`status --nagios --from-snapshot`): never crash, nesting
// and size stay bounded, and a snapshot it accepts reads back the same once written again.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ops/status_snapshot.h"

namespace {

bool same(const dk::ops::StatusSnapshot& a, const dk::ops::StatusSnapshot& b) {
    if (a.written_at != b.written_at || a.runs.last_run != b.runs.last_run ||
        a.runs.interval != b.runs.interval || a.runs.warning_factor != b.runs.warning_factor ||
        a.runs.critical_factor != b.runs.critical_factor || a.slots.size() != b.slots.size())
        return false;
    for (std::size_t i = 0; i < a.slots.size(); ++i) {
        const auto& x = a.slots[i];
        const auto& y = b.slots[i];
        if (x.slot != y.slot || x.adopted != y.adopted || x.cert_not_after != y.cert_not_after ||
            x.renew_before_days != y.renew_before_days ||
            x.failed_verifications != y.failed_verifications ||
            x.switch_not_before != y.switch_not_before)
            return false;
    }
    if (a.tlsrpt.size() != b.tlsrpt.size()) return false;
    for (std::size_t i = 0; i < a.tlsrpt.size(); ++i) {
        if (a.tlsrpt[i].organization != b.tlsrpt[i].organization ||
            a.tlsrpt[i].sessions != b.tlsrpt[i].sessions ||
            a.tlsrpt[i].latest_end != b.tlsrpt[i].latest_end)
            return false;
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto parsed = dk::ops::parse_snapshot(text, "status.json");
    if (!parsed.ok()) return 0;
    const auto again = dk::ops::parse_snapshot(dk::ops::snapshot_json(*parsed), "status.json");
    if (!again.ok() || !same(*parsed, *again)) std::abort();
    return 0;
}
