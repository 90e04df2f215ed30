#include "zone/sign/serial.h"

#include <algorithm>

#include "zone/sign/wire.h"

namespace dk::zone::sign {
namespace {

// The single SOA RDATA at the apex, or empty.
std::string_view soa_rdata(const Zone& zone) {
    if (zone.nodes.empty()) return {};
    const Rrset* soa = zone.apex().find(type_soa);
    if (soa == nullptr) return {};
    std::string_view out;
    soa->rdatas.for_each([&out](std::string_view r) { out = r; });
    return out.size() >= 22 ? out : std::string_view();
}

}  // namespace

std::optional<SerialPolicy> parse_serial_policy(std::string_view text) {
    if (text == "unixtime") return SerialPolicy::unixtime;
    if (text == "increment") return SerialPolicy::increment;
    return std::nullopt;
}

bool serial_greater(std::uint32_t a, std::uint32_t b) {
    return a != b && static_cast<std::int32_t>(a - b) > 0;
}

std::uint32_t next_serial(std::uint32_t file_serial, std::optional<std::uint32_t> last_published,
                          SerialPolicy policy, TimePoint now) {
    std::uint32_t base = file_serial;
    if (last_published && serial_greater(*last_published, base)) base = *last_published;
    if (policy == SerialPolicy::unixtime) {
        const auto t = static_cast<std::uint32_t>(unix_seconds(now));
        if (serial_greater(t, base)) return t;
    }
    const std::uint32_t next = base + 1;
    return next == 0 ? 1 : next;  // 0 is legal but confuses people and some tools
}

std::optional<std::uint32_t> soa_serial(const Zone& zone) {
    const std::string_view r = soa_rdata(zone);
    if (r.empty()) return std::nullopt;
    return get32(r, r.size() - 20);
}

void set_soa_serial(Zone& zone, std::uint32_t serial) {
    Rrset* soa = zone.nodes.empty() ? nullptr : zone.apex().find(type_soa);
    if (soa == nullptr) return;
    std::string rdata(soa_rdata(zone));
    set32(rdata, rdata.size() - 20, serial);
    soa->rdatas.clear();
    soa->rdatas.push_back(rdata);
}

std::uint32_t negative_ttl(const Zone& zone) {
    const std::string_view r = soa_rdata(zone);
    if (r.empty()) return 3600;
    return std::min(zone.apex().find(type_soa)->ttl, get32(r, r.size() - 4));
}

}  // namespace dk::zone::sign
