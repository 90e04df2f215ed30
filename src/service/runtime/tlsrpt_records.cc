#include "service/runtime/tlsrpt_records.h"

#include "base/log.h"
#include "service/signing/signed_file_publisher.h"

namespace dk::service {
namespace {

Result<TlsrptRecordOutcome> keep_one(const Runtime& runtime, const config::ZoneConfig& zone,
                                     bool apply) {
    if (zone.signed_file) {
        DK_TRY(std::unique_ptr<SignedFilePublisher> signed_file,
               SignedFilePublisher::create(runtime.config, zone, runtime.clock));
        return keep_tlsrpt_record(signed_file->files(), zone.name, zone.tlsrpt_rua, zone.tlsa_ttl,
                                  apply);
    }
    DK_TRY(zone::TsigKey key, zone::load_tsig_key(zone.tsig_key_file, zone.tsig_key_name));
    zone::Rfc2136Publisher publisher(zone::Rfc2136Options{zone.primary, key});
    return keep_tlsrpt_record(publisher, zone.name, zone.tlsrpt_rua, zone.tlsa_ttl, apply);
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
