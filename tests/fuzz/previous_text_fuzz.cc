// Feeds bytes as the previous signed file of an incremental signing, whole and written over part
// of a real signed file of the same zone and keys (so valid signatures are there to keep): the
// indexer and the signer must never crash; whatever the previous file held, the file written
// must read back, be in the layout the indexer takes, and keep every signature when signed
// again at once.
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "base/files.h"
#include "zone/sign/previous_text.h"
#include "zone/sign/signer.h"
#include "zone/sign/zone_reader.h"
#include "zone/sign/zone_writer.h"

namespace {

using namespace dk::zone::sign;

const std::string zone_text_in = R"($TTL 600
@             SOA  ns hostmaster 7 3600 900 604800 120
              NS   ns
              MX   5 mail
ns            AAAA 2001:db8::53
mail          A    198.51.100.25
              TXT  "v=spf1 -all"
*.wild        A    198.51.100.80
deleg         NS   ns.deleg
              DS   12345 13 2 aabbccddeeff00112233445566778899aabbccddeeff00112233445566778899
ns.deleg      A    198.51.100.53
_25._tcp.mail TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
_465._tcp.mail TLSA 2 0 1 ab
)";

const auto now = dk::from_unix_seconds(1'800'000'000);

// A fixed key, so the signatures in the file below are the ones the signer would keep.
const KeySet& keys() {
    static const KeySet k = [] {
        unsigned char seed[32];
        for (unsigned i = 0; i < sizeof seed; ++i) seed[i] = static_cast<unsigned char>(i * 7 + 1);
        dk::ossl::EvpPkeyPtr pkey(
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, seed, sizeof seed));
        auto key =
            SigningKey::from_private(std::move(pkey), Algorithm::ed25519, flag_zone_key | flag_sep);
        if (!key.ok()) std::abort();
        KeySet s;
        s.key_signing.push_back(*key);
        return s;
    }();
    return k;
}

SignOptions options() {
    SignOptions o;
    o.threads = 1;
    return o;
}

const dk::zone::sign::WireName& origin() {
    static const WireName o = *wire_origin("example.test.");
    return o;
}

Zone prepared() {
    static const Zone z = [] {
        ReadOptions read;
        read.origin = "example.test.";
        auto records = read_zone_text(zone_text_in, read);
        if (!records.ok()) std::abort();
        Zone zone = build_zone(origin(), std::move(*records));
        if (!prepare_zone(zone, keys(), options()).ok()) std::abort();
        return zone;
    }();
    return z;
}

const std::string& signed_text() {
    static const std::string text = [] {
        Zone z = prepared();
        if (!sign_prepared(z, keys(), options(), nullptr, now).ok()) std::abort();
        return zone_text(z);
    }();
    return text;
}

const std::string& out_path() {
    static const std::string path = [] {
        char templ[] = "/tmp/dk-fuzz-previous-XXXXXX";
        if (mkdtemp(templ) == nullptr) std::abort();
        return std::string(templ) + "/signed";
    }();
    return path;
}

void sign_after(const std::string& previous) {
    auto index = index_previous_text(previous, origin());
    if (!index) return;  // not our layout: the full reader would take it
    Zone z = prepared();
    auto stats = sign_to_file(z, keys(), options(), nullptr, now, out_path(), &*index);
    if (!stats.ok()) std::abort();
    auto written = dk::files::read_limited(out_path(), std::size_t{1} << 24);
    if (!written.ok()) std::abort();
    ReadOptions read;
    read.origin = "example.test.";
    if (!read_zone_text(*written, read).ok()) std::abort();  // we wrote what we cannot read
    auto again = index_previous_text(*written, origin());
    if (!again) std::abort();  // our own output in another layout
    Zone z2 = prepared();
    auto second = count_against_text(z2, keys(), options(), *again, now);
    if (!second.ok() || second->signatures_made != 0) std::abort();  // lost a signature
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 64 * 1024) return 0;
    const std::string input(reinterpret_cast<const char*>(data), size);
    sign_after(input);
    if (size >= 2) {
        std::string patched = signed_text();
        const std::size_t at = ((std::size_t{data[0]} << 8) | data[1]) % (patched.size() + 1);
        patched.replace(at, std::min(size - 2, patched.size() - at), input.substr(2));
        sign_after(patched);
    }
    return 0;
}
