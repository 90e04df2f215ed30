#include "cert/chain_matches.h"

#include "cert/tlsa_data.h"

namespace dk::cert {
namespace {

bool matches(const X509& certificate, const TlsaRecord& record) {
    auto computed = tlsa_for_certificate(certificate, record.usage, record.selector, record.mtype);
    return computed.ok() && computed->data == record.data;
}

}  // namespace

std::vector<TlsaRecord> chain_matches(const std::vector<const X509*>& chain,
                                      const std::vector<TlsaRecord>& published) {
    std::vector<TlsaRecord> out;
    if (chain.empty()) return out;
    for (const auto& record : published) {
        const bool end_entity =
            record.usage == tlsa::usage_dane_ee || record.usage == tlsa::usage_pkix_ee;
        bool matched = false;
        if (end_entity) {
            matched = matches(*chain.front(), record);
        } else {
            for (std::size_t i = 1; i < chain.size() && !matched; ++i)
                matched = matches(*chain[i], record);
        }
        if (matched) out.push_back(record);
    }
    return out;
}

}  // namespace dk::cert
