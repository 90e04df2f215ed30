#include "base/tlsa.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <vector>

#include "base/strings.h"

namespace dk {
namespace {

struct Mnemonic {
    std::string_view name;
    std::uint8_t value;
};

constexpr std::array usage_names{Mnemonic{"PKIX-TA", 0}, Mnemonic{"PKIX-EE", 1},
                                 Mnemonic{"DANE-TA", 2}, Mnemonic{"DANE-EE", 3},
                                 Mnemonic{"PrivCert", 255}};
constexpr std::array selector_names{Mnemonic{"Cert", 0}, Mnemonic{"SPKI", 1},
                                    Mnemonic{"PrivSel", 255}};
constexpr std::array mtype_names{Mnemonic{"Full", 0}, Mnemonic{"SHA2-256", 1},
                                 Mnemonic{"SHA2-512", 2}, Mnemonic{"PrivMatch", 255}};

template <std::size_t N>
Result<std::uint8_t> parse_field(std::string_view text, const std::array<Mnemonic, N>& names,
                                 std::string_view field) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec == std::errc{} && ptr == end) {
        if (value > 255)
            return Error::bad_input(std::string(field) + " out of range: " + std::string(text));
        return static_cast<std::uint8_t>(value);
    }
    for (const auto& m : names) {
        if (iequals(m.name, text)) return m.value;
    }
    return Error::bad_input("unknown TLSA " + std::string(field) + ": '" + std::string(text) + "'");
}

std::vector<std::string_view> split_ws(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        const std::size_t start = i;
        while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
        if (i > start) out.push_back(text.substr(start, i - start));
    }
    return out;
}

}  // namespace

std::string TlsaRecord::rdata_text() const {
    return std::to_string(usage) + " " + std::to_string(selector) + " " + std::to_string(mtype) +
           " " + to_hex(data);
}

Result<std::uint8_t> parse_tlsa_usage(std::string_view t) {
    return parse_field(t, usage_names, "usage");
}
Result<std::uint8_t> parse_tlsa_selector(std::string_view t) {
    return parse_field(t, selector_names, "selector");
}
Result<std::uint8_t> parse_tlsa_mtype(std::string_view t) {
    return parse_field(t, mtype_names, "matching type");
}

Result<TlsaRecord> parse_tlsa_rdata(std::string_view text) {
    const auto fields = split_ws(text);
    if (fields.size() < 4) {
        return Error::bad_input("TLSA needs 'usage selector matching-type data', got '" +
                                std::string(text.substr(0, 200)) + "'");
    }
    TlsaRecord record;
    DK_TRY(record.usage, parse_tlsa_usage(fields[0]));
    DK_TRY(record.selector, parse_tlsa_selector(fields[1]));
    DK_TRY(record.mtype, parse_tlsa_mtype(fields[2]));
    std::string hex;
    for (std::size_t i = 3; i < fields.size(); ++i) hex += fields[i];
    auto data = from_hex(hex);
    if (!data || data->empty()) return Error::bad_input("TLSA data is not valid hex");
    record.data = std::move(*data);
    if (record.mtype == tlsa::mtype_sha256 && record.data.size() != 32) {
        return Error::bad_input("TLSA SHA2-256 data must be 32 bytes, got " +
                                std::to_string(record.data.size()));
    }
    if (record.mtype == tlsa::mtype_sha512 && record.data.size() != 64) {
        return Error::bad_input("TLSA SHA2-512 data must be 64 bytes, got " +
                                std::to_string(record.data.size()));
    }
    return record;
}

std::string tlsa_owner(std::string_view host, std::uint16_t port) {
    return absolute_name("_" + std::to_string(port) + "._tcp." + std::string(host));
}

TlsaRecord issuer_record(const Bytes& spki_sha256) {
    return TlsaRecord{tlsa::usage_dane_ta, tlsa::selector_spki, tlsa::mtype_sha256, spki_sha256};
}

}  // namespace dk
