#include "mtasts/policy.h"

#include <openssl/sha.h>

#include <array>
#include <charconv>

#include "base/hex.h"
#include "base/strings.h"

namespace dk::mtasts {
namespace {

bool label_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Letters, digits and hyphens in labels of 1..63, at most 253 in all, no trailing dot.
bool host_name(std::string_view name) {
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (const char c : name) {
        if (c == '.') {
            if (label == 0) return false;
            label = 0;
        } else if (!label_char(c) || ++label > 63) {
            return false;
        }
    }
    return label > 0;
}

bool valid_pattern(std::string_view pattern) {
    if (pattern.starts_with("*.")) pattern.remove_prefix(2);
    return host_name(pattern);
}

struct Field {
    std::string_view key;
    std::string_view value;
};

// One line: "key:" optional white space, the value (trailing white space dropped).
Result<Field> read_field(std::string_view line, std::size_t number) {
    const auto colon = line.find(':');
    const std::string where = "policy line " + std::to_string(number);
    if (colon == std::string_view::npos || colon == 0)
        return Error::bad_input(where + ": no key: value");
    Field f{line.substr(0, colon), trim(line.substr(colon + 1))};
    for (const char c : f.key) {
        if (!label_char(c) && c != '_')
            return Error::bad_input(where + ": the key is not letters, digits, '_' or '-'");
    }
    return f;
}

Result<std::uint32_t> read_max_age(std::string_view value, const std::string& where) {
    std::uint64_t n = 0;
    if (value.empty() || value.size() > 10)
        return Error::bad_input(where + ": max_age must be 1 to 10 digits");
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size())
        return Error::bad_input(where + ": max_age must be 1 to 10 digits");
    if (n > max_age_limit)
        return Error::bad_input(where + ": max_age above " + std::to_string(max_age_limit));
    return static_cast<std::uint32_t>(n);
}

struct Seen {
    bool version = false;
    bool mode = false;
    bool max_age = false;
};

Status take_field(const Field& f, const std::string& where, Seen& seen, Policy& p) {
    auto once = [&](bool& flag) -> Status {
        if (flag) return Error::bad_input(where + ": " + std::string(f.key) + " given twice");
        flag = true;
        return {};
    };
    if (f.key == "version") {
        DK_TRY_STATUS(once(seen.version));
        if (f.value != "STSv1") return Error::bad_input(where + ": version is not STSv1");
    } else if (f.key == "mode") {
        DK_TRY_STATUS(once(seen.mode));
        auto mode = mode_from(f.value);
        if (!mode.ok()) return Error::bad_input(where + ": " + mode.error().message);
        p.mode = *mode;
    } else if (f.key == "max_age") {
        DK_TRY_STATUS(once(seen.max_age));
        DK_TRY(p.max_age, read_max_age(f.value, where));
    } else if (f.key == "mx") {
        if (!valid_pattern(f.value))
            return Error::bad_input(where +
                                    ": mx is not a host name or *.name: " + printable(f.value));
        if (p.mx.size() == max_mx_patterns)
            return Error::bad_input(where + ": more than " + std::to_string(max_mx_patterns) +
                                    " mx patterns");
        p.mx.push_back(lower(std::string(f.value)));
    }  // unknown fields are ignored (section 3.2)
    return {};
}

}  // namespace

std::string_view to_string(Mode mode) {
    switch (mode) {
        case Mode::testing:
            return "testing";
        case Mode::enforce:
            return "enforce";
        default:
            return "none";
    }
}

Result<Mode> mode_from(std::string_view text) {
    if (text == "none") return Mode::none;
    if (text == "testing") return Mode::testing;
    if (text == "enforce") return Mode::enforce;
    return Error::bad_input("mode is not none, testing or enforce: " + printable(text));
}

Result<std::string> render_policy(const Policy& policy) {
    if (policy.max_age > max_age_limit)
        return Error::bad_input("max_age above " + std::to_string(max_age_limit));
    if (policy.mx.size() > max_mx_patterns) return Error::bad_input("too many mx patterns");
    std::string text = "version: STSv1\r\nmode: " + std::string(to_string(policy.mode)) + "\r\n";
    for (const auto& pattern : policy.mx) {
        if (!valid_pattern(pattern))
            return Error::bad_input("mx pattern is not a host name or *.name: " +
                                    printable(pattern));
        text += "mx: " + lower(pattern) + "\r\n";
    }
    text += "max_age: " + std::to_string(policy.max_age) + "\r\n";
    return text;
}

Result<Policy> parse_policy(std::string_view text) {
    if (text.size() > max_policy_bytes)
        return Error::bad_input("policy larger than " + std::to_string(max_policy_bytes) +
                                " bytes");
    Policy p;
    Seen seen;
    std::size_t number = 0;
    while (!text.empty()) {
        const auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
        ++number;
        if (line.ends_with('\r')) line.remove_suffix(1);
        const std::string where = "policy line " + std::to_string(number);
        for (const char c : line) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7f)
                return Error::bad_input(where + ": control character");
        }
        if (trim(line).empty()) continue;
        DK_TRY(const Field f, read_field(line, number));
        if (number == 1 && f.key != "version")
            return Error::bad_input("policy line 1: the first field must be version");
        DK_TRY_STATUS(take_field(f, where, seen, p));
    }
    if (!seen.version) return Error::bad_input("policy: no version field");
    if (!seen.mode) return Error::bad_input("policy: no mode field");
    if (!seen.max_age) return Error::bad_input("policy: no max_age field");
    if (p.mx.empty() && p.mode != Mode::none)
        return Error::bad_input("policy: no mx field (required unless mode is none)");
    return p;
}

std::string pattern_of(std::string_view mx_host) {
    if (mx_host.ends_with('.')) mx_host.remove_suffix(1);
    return lower(std::string(mx_host));
}

bool mx_matches(std::string_view pattern, std::string_view host) {
    const std::string h = pattern_of(host);
    const std::string p = pattern_of(pattern);
    if (!p.starts_with("*.")) return !p.empty() && h == p;
    const std::string_view rest = std::string_view(p).substr(1);  // ".REST"
    const auto dot = h.find('.');
    // Exactly one label in place of the "*" (section 4.1): "a.b.example" does not match
    // "*.example".
    return dot != std::string::npos && dot > 0 && std::string_view(h).substr(dot) == rest;
}

std::string policy_id(std::string_view policy_text) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(policy_text.data()), policy_text.size(),
           digest.data());
    return to_hex(digest.data(), digest.size()).substr(0, 32);
}

}  // namespace dk::mtasts
