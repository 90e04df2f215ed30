#include "service/runtime/tlsrpt_records.h"

#include "base/log.h"

namespace dk::service {
namespace {

Result<TlsrptRecordOutcome> keep_one(const Runtime& runtime, const config::ZoneConfig& zone,
                                     bool apply) {
    DK_TRY(ZonePublisher publisher,
           open_zone_publisher(runtime, zone, apply ? SetUp::allowed : SetUp::refused));
    return keep_tlsrpt_record(publisher.get(), zone.name, zone.tlsrpt_rua, zone.tlsa_ttl, apply);
}

}  // namespace

std::vector<ZoneTlsrptRecord> keep_tlsrpt_records(const Runtime& runtime, bool apply) {
    std::vector<ZoneTlsrptRecord> out;
    for (const auto& zone : runtime.config.zones) {
        if (zone.tlsrpt_rua.empty()) continue;
        auto outcome = keep_one(runtime, zone, apply);
        if (apply && !outcome.ok())
            log::warn("tlsrpt.record_failed",
                      {{"zone", zone.name}, {"error", outcome.error().message}});
        out.push_back({zone.name, std::move(outcome)});
    }
    return out;
}

}  // namespace dk::service
