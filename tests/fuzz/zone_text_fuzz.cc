// Feeds bytes as a zone file of example.test.: the reader must never crash; every line its fast
// path takes must give what ldns gives when ldns takes it too; an accepted zone with an SOA is
// signed, and the signed text must read back to the same owners.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "zone/sign/signed_zone.h"
#include "zone/sign/signer.h"
#include "zone/sign/simple_record.h"
#include "zone/sign/zone_reader.h"
#include "zone/sign/zone_writer.h"

namespace {

using namespace dk::zone::sign;

const KeySet& keys() {
    static const KeySet k = [] {
        KeySet s;
        auto key = SigningKey::generate(Algorithm::ed25519, flag_zone_key | flag_sep);
        if (!key.ok()) std::abort();
        s.key_signing.push_back(*key);
        return s;
    }();
    return k;
}

void compare_fast_path(const std::string& text, const WireName& origin) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        start = end + 1;
        Record fast;
        if (line.find('\0') != std::string::npos || line.empty() || line[0] == ' ' ||
            !parse_simple_record(line, origin, origin, 300, fast))
            continue;
        auto slow = parse_record(line, "example.test.");
        if (slow.ok() &&
            (slow->owner != fast.owner || slow->type != fast.type || slow->rdata != fast.rdata))
            std::abort();  // the two readers disagree about the same record
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string text(reinterpret_cast<const char*>(data), size);
    const WireName origin = *wire_origin("example.test.");
    compare_fast_path(text, origin);
    ReadOptions o;
    o.source = "fuzz.zone";
    o.origin = "example.test.";
    auto records = read_zone_text(text, o);
    if (!records.ok()) return 0;
    Zone zone = build_zone(origin, std::move(*records));
    SignOptions options;
    options.threads = 1;
    options.denial = size % 2 == 0 ? Denial::nsec : Denial::nsec3;
    if (!prepare_zone(zone, keys(), options).ok()) return 0;
    const auto now = dk::from_unix_seconds(1'800'000'000);
    if (!sign_prepared(zone, keys(), options, nullptr, now).ok()) std::abort();
    // ldns reads owner names of up to 255 characters of text; escaped (\DDD) bytes can make
    // a legal name longer than that. Such a zone is signed, but not read back by ldns.
    for (const auto& n : zone.nodes) {
        if (name_to_text(n.name).size() > 255) return 0;
    }
    auto back = read_zone_text(zone_text(zone), o);
    if (!back.ok()) std::abort();  // we wrote something we cannot read
    const Zone again = signed_zone_from(origin, std::move(*back));
    if (again.nodes.size() !=
        zone.nodes.size() -
            static_cast<std::size_t>(std::count_if(zone.nodes.begin(), zone.nodes.end(),
                                                   [](const Node& n) { return n.rrsets.empty(); })))
        std::abort();
    return 0;
}
