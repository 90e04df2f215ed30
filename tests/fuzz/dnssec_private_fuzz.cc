// Fuzzes the reader of BIND's DNSSEC key files: the input is a .key file, a line "--", then its
// .private file (key_files.h). Never crash; every failure is bad input naming its file; a
// private key accepted is the key of its DNSKEY, and the .private text we write for it reads
// back to the same key and the same text.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "zone/sign/key_files.h"

namespace {

using namespace dk::zone::sign;

const std::string zone = "example.test.";

template <typename T>
void check_failure(const dk::Result<T>& result, const std::string& source) {
    if (result.ok()) return;
    if (result.error().kind != dk::ErrorKind::bad_input ||
        result.error().message.find(source) == std::string::npos)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;  // load_key_directory reads at most 64 KiB of a .private
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const auto split = input.find("\n--\n");
    const std::string_view key_text = input.substr(0, split);
    auto dnskey = parse_public_key(key_text, zone, "fuzz.key");
    check_failure(dnskey, "fuzz.key");
    if (!dnskey.ok() || split == std::string_view::npos) return 0;
    auto key = parse_private_key(input.substr(split + 4), *dnskey, "fuzz.private");
    check_failure(key, "fuzz.private");
    if (!key.ok()) return 0;
    if (!(key->dnskey() == *dnskey)) std::abort();
    const std::string written = private_key_text(*key, "20260101000000");
    auto again = parse_private_key(written, *dnskey, "written.private");
    if (!again.ok() || !(again->dnskey() == *dnskey)) std::abort();
    if (private_key_text(*again, "20260101000000") != written) std::abort();
    auto public_again = parse_public_key(public_key_text(*dnskey, zone), zone, "written.key");
    if (!public_again.ok() || !(*public_again == *dnskey)) std::abort();
    return 0;
}
