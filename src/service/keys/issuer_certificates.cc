#include "service/keys/issuer_certificates.h"

#include <algorithm>
#include <set>
#include <string>

namespace dk::service {
namespace {

// A CA file that cannot be read, named with the slot that names it.
Error unreadable(const config::SlotConfig& slot, const Error& why) {
    return Error::bad_input("key " + slot.name + ": issuer_certificates: " + why.message);
}

}  // namespace

Result<std::vector<cert::IssuerCa>> load_issuer_certificates(const config::SlotConfig& slot) {
    std::vector<cert::IssuerCa> out;
    for (const auto& path : slot.issuer_certificates) {
        auto ca = cert::read_issuer_ca(path);
        if (!ca.ok()) return unreadable(slot, ca.error());
        out.push_back(std::move(*ca));
    }
    return out;
}

Status check_issuer_certificates(const config::Config& config) {
    // Slots name the same CA files: each is parsed once (a file met again loaded before). The
    // first bad file is named with the first slot that names it, as slot by slot.
    std::set<std::string> loaded;
    for (const auto& slot : config.slots) {
        for (const auto& path : slot.issuer_certificates) {
            if (loaded.contains(path)) continue;
            if (auto ca = cert::read_issuer_ca(path); !ca.ok()) return unreadable(slot, ca.error());
            loaded.insert(path);
        }
    }
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
