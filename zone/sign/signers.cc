#include "zone/sign/signers.h"

#include <algorithm>
#include <string>

namespace dk::zone::sign {
namespace {

void add_unique(std::vector<const SigningKey*>& list, const SigningKey* k) {
    for (const auto* have : list) {
        if (have->dnskey() == k->dnskey()) return;
    }
    list.push_back(k);
}

}  // namespace

Result<Signers> choose_signers(const KeySet& keys, const Zone* previous) {
    Signers s;
    const auto& zsk = keys.zone_signing.empty() ? keys.key_signing : keys.zone_signing;
    const auto& ksk = keys.key_signing.empty() ? keys.zone_signing : keys.key_signing;
    for (const auto& k : zsk) add_unique(s.zone, &k);
    for (const auto& k : ksk) add_unique(s.keys, &k);
    if (s.zone.empty()) return Error::bad_input("no key to sign with (no .private file)");
    for (const auto& k : ksk) {
        const bool covered = std::any_of(s.zone.begin(), s.zone.end(), [&](const SigningKey* z) {
            return z->algorithm() == k.algorithm();
        });
        if (!covered) add_unique(s.zone, &k);
    }
    for (const auto* k : s.zone) add_unique(s.all, k);
    for (const auto* k : s.keys) add_unique(s.all, k);
    // A kept signature names its key only by algorithm and tag: keep it only when the previous
    // DNSKEY RRset held this very key under that tag, and no other key with the same tag.
    std::vector<std::string> before;
    if (previous != nullptr && !previous->nodes.empty()) {
        if (const Rrset* r = previous->apex().find(type_dnskey))
            r->rdatas.for_each([&](std::string_view d) { before.emplace_back(d); });
    }
    for (const auto* k : s.all) {
        const std::string rdata = k->dnskey().rdata();
        std::size_t same_tag = 0;
        bool present = false;
        for (const auto& b : before) {
            if (b.size() > 4 && b[3] == rdata[3] && key_tag(b) == k->tag()) ++same_tag;
            present = present || b == rdata;
        }
        s.reusable.push_back(present && same_tag == 1);
    }
    return s;
}

std::size_t index_of(const Signers& s, const SigningKey* k) {
    return static_cast<std::size_t>(std::find(s.all.begin(), s.all.end(), k) - s.all.begin());
}

}  // namespace dk::zone::sign
