#include "base/tlsrpt_record.h"

#include <algorithm>

#include "base/strings.h"

namespace dk {
namespace {

// RFC 3986 unreserved and reserved characters and `%`, less the record's separators `;` and `,`.
bool uri_byte(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view("-._~:/?#[]@!$&'()*+=%").find(c) != std::string_view::npos;
}

bool host_byte(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

// A DNS host name: labels of letters, digits and hyphens, dots between them.
bool host_name(std::string_view host) {
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.back() == '.' ||
        host.find("..") != std::string_view::npos)
        return false;
    return std::all_of(host.begin(), host.end(), host_byte);
}

Status refuse(std::string_view uri, std::string_view why) {
    return Error::bad_input("rua \"" + printable(uri.substr(0, 80)) + "\": " + std::string(why));
}

Status check_mailto(std::string_view uri, std::string_view rest) {
    const std::size_t at = rest.rfind('@');
    if (at == std::string_view::npos || at == 0)
        return refuse(uri, "a mailto: URI names one address, local-part@domain");
    if (rest.find('?') != std::string_view::npos)
        return refuse(uri, "mailto: takes an address only, no ?header fields");
    if (!host_name(rest.substr(at + 1))) return refuse(uri, "the mail domain is not a host name");
    return {};
}

Status check_https(std::string_view uri, std::string_view rest) {
    if (!rest.starts_with("//")) return refuse(uri, "an https: URI starts https://HOST");
    rest.remove_prefix(2);
    const std::size_t end = std::min(rest.find('/'), rest.size());
    std::string_view authority = rest.substr(0, end);
    if (authority.find('@') != std::string_view::npos)
        return refuse(uri, "no user information in a report URI");
    if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
        const std::string_view port = authority.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return refuse(uri, "the port is not a number");
        authority = authority.substr(0, colon);
    }
    if (!host_name(authority)) return refuse(uri, "the host is not a DNS name");
    return {};
}

}  // namespace

Status check_rua_uri(std::string_view uri) {
    if (uri.empty()) return refuse(uri, "empty");
    if (uri.size() > max_rua_uri_bytes)
        return refuse(uri, "longer than " + std::to_string(max_rua_uri_bytes) + " bytes");
    for (const char c : uri) {
        if (c == ';' || c == ',')
            return refuse(uri, "';' and ',' separate the record's fields: write them %3B, %2C");
        if (!uri_byte(c)) return refuse(uri, "holds a byte that no URI holds unescaped");
    }
    if (uri.starts_with("mailto:")) return check_mailto(uri, uri.substr(7));
    if (uri.starts_with("https:")) return check_https(uri, uri.substr(6));
    return refuse(uri, "reports go to mailto: or https: URIs only");
}

Result<std::string> tlsrpt_record_text(const std::vector<std::string>& rua) {
    if (rua.empty()) return Error::bad_input("rua: at least one report URI");
    if (rua.size() > max_rua_uris)
        return Error::bad_input("rua: at most " + std::to_string(max_rua_uris) + " report URIs");
    for (const auto& uri : rua) DK_TRY_STATUS(check_rua_uri(uri));
    std::string text = "v=TLSRPTv1; rua=" + join(rua, ",");
    if (text.size() > max_tlsrpt_record_bytes)
        return Error::bad_input("rua: the record would be " + std::to_string(text.size()) +
                                " bytes, more than " + std::to_string(max_tlsrpt_record_bytes));
    return text;
}

std::vector<std::string> character_strings(std::string_view text) {
    std::vector<std::string> out;
    for (std::size_t at = 0; at < text.size(); at += 255) out.emplace_back(text.substr(at, 255));
    return out;
}

bool is_tlsrpt_record(std::string_view joined) {
    constexpr std::string_view version = "v=TLSRPTv1";
    if (!joined.starts_with(version)) return false;
    if (joined.size() == version.size()) return true;
    const char next = joined[version.size()];
    return next == ';' || next == ' ' || next == '\t';
}

}  // namespace dk
