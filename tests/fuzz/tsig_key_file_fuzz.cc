// Fuzzes the TSIG key file parser (BIND's key "name" { algorithm ...; secret "..."; };): never
// crash; a failure is bad input naming the file; every key parsed is absolute and lowercase,
// is found again by its name, and written back as a key file parses to the same key.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/base64.h"
#include "base/log.h"
#include "zone/tsig_key.h"

namespace {

using dk::zone::TsigKey;

const std::string source = "fuzz.key";

std::string key_file_text(const TsigKey& key) {
    std::string algorithm(dk::zone::tsig_algorithm_name(key.algorithm));
    algorithm.pop_back();  // the trailing dot, as tsig-keygen writes it
    return "key \"" + key.name + "\" {\n\talgorithm " + algorithm + ";\n\tsecret \"" +
           key.secret_base64 + "\";\n};\n";
}

void check_key(const TsigKey& key, const std::vector<TsigKey>& all) {
    if (key.name.size() < 2 || key.name.back() != '.') std::abort();
    for (const char c : key.name) {
        if (c >= 'A' && c <= 'Z') std::abort();
    }
    if (!dk::is_base64(key.secret_base64)) std::abort();
    auto selected = dk::zone::select_tsig_key(all, key.name, source);
    if (!selected.ok() || selected->name != key.name) std::abort();
    auto again = dk::zone::parse_tsig_keys(key_file_text(key), source);
    if (!again.ok() || again->size() != 1) std::abort();
    const TsigKey& back = again->front();
    if (back.name != key.name || back.algorithm != key.algorithm ||
        back.secret_base64 != key.secret_base64)
        std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    dk::log::set_sink([](dk::log::Level, const std::string&) {});  // hmac-sha1 warnings
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 64 * 1024) return 0;  // load_tsig_key reads at most 64 KiB
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    auto keys = dk::zone::parse_tsig_keys(text, source);
    if (!keys.ok()) {
        if (keys.error().kind != dk::ErrorKind::bad_input ||
            !keys.error().message.starts_with(source + ":"))
            std::abort();
        return 0;
    }
    if (keys->empty()) std::abort();
    for (const auto& key : *keys) check_key(key, *keys);
    return 0;
}
