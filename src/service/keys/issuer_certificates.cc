#include "service/keys/issuer_certificates.h"

#include <algorithm>

namespace dk::service {

Result<std::vector<cert::IssuerCa>> load_issuer_certificates(const config::SlotConfig& slot) {
    std::vector<cert::IssuerCa> out;
    for (const auto& path : slot.issuer_certificates) {
        auto ca = cert::read_issuer_ca(path);
        if (!ca.ok()) {
            return Error::bad_input("key " + slot.name +
                                    ": issuer_certificates: " + ca.error().message);
        }
        out.push_back(std::move(*ca));
    }
    return out;
}

Status check_issuer_certificates(const config::Config& config) {
    for (const auto& slot : config.slots) DK_TRY_STATUS(load_issuer_certificates(slot));
    return Status{};
}

std::vector<Bytes> issuer_digests(const std::vector<cert::IssuerCa>& issuers) {
    std::vector<Bytes> out;
    for (const auto& ca : issuers) {
        if (std::find(out.begin(), out.end(), ca.spki_sha256) == out.end())
            out.push_back(ca.spki_sha256);
    }
    return out;
}

}  // namespace dk::service
