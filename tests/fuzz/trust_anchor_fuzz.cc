// Fuzzes the trust-anchor file reader (DS or DNSKEY records in zone-file text, one a line):
// never crash; a failure is bad input naming the file; what is accepted is DS or DNSKEY only,
// and the DS lines we print as evidence read back as the same anchors (owners in ASCII).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/ldns_handles.h"
#include "zone/tlsa_view.h"

namespace {

const std::string source = "fuzz.anchors";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 256 * 1024) return 0;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto anchors = dk::zone::parse_trust_anchors(text, source);
    if (!anchors.ok()) {
        if (anchors.error().kind != dk::ErrorKind::bad_input ||
            !anchors.error().message.starts_with(source + ":"))
            std::abort();
        return 0;
    }
    std::size_t ds_count = 0;
    const std::size_t count = ldns_rr_list_rr_count(anchors->get());
    if (count == 0) std::abort();
    for (std::size_t i = 0; i < count; ++i) {
        const auto type = ldns_rr_get_type(ldns_rr_list_rr(anchors->get(), i));
        if (type == LDNS_RR_TYPE_DS) {
            ++ds_count;
        } else if (type != LDNS_RR_TYPE_DNSKEY) {
            std::abort();
        }
    }
    auto ds_texts = dk::zone::trust_anchor_ds_texts(text, source);
    if (!ds_texts.ok() || ds_texts->size() != ds_count) std::abort();
    if (ds_count == 0) return 0;
    std::string printed;
    for (const auto& line : *ds_texts) {
        if (line.find('\n') != std::string::npos) std::abort();
        printed += line + "\n";
    }
    // ldns escapes bytes outside ASCII as \DDD and then counts a label's 63 characters in
    // that form: such an owner is printed (as evidence, never read back) but not read again.
    for (const char c : text) {
        if (static_cast<unsigned char>(c) >= 0x7f) return 0;
    }
    auto again = dk::zone::trust_anchor_ds_texts(printed, "printed");
    if (!again.ok() || *again != *ds_texts) std::abort();
    return 0;
}
