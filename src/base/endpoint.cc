#include "base/endpoint.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>
#include <iterator>

namespace dk {

namespace {

// In the order of enum TlsStart.
constexpr std::string_view tls_start_names[] = {"smtp", "imap", "pop3", "none"};
static_assert(std::size(tls_start_names) == static_cast<std::size_t>(TlsStart::implicit) + 1);

}  // namespace

std::string_view to_string(TlsStart start) {
    const auto i = static_cast<std::size_t>(start);
    return i < std::size(tls_start_names) ? tls_start_names[i] : "none";
}

Result<TlsStart> parse_tls_start(std::string_view text) {
    if (text == "implicit") return TlsStart::implicit;
    for (std::size_t i = 0; i < std::size(tls_start_names); ++i) {
        if (text == tls_start_names[i]) return static_cast<TlsStart>(i);
    }
    return Error::bad_input("unknown STARTTLS protocol '" + std::string(text) +
                            "' (expected smtp, imap, pop3 or none)");
}

TlsStart default_tls_start(std::uint16_t port) {
    switch (port) {
        case 25:
        case 587:
            return TlsStart::smtp;
        case 143:
            return TlsStart::imap;
        case 110:
            return TlsStart::pop3;
        default:
            return TlsStart::implicit;
    }
}

namespace {
Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
    unsigned value = 0;
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end || value == 0 || value > 65535) {
        return Error::bad_input("bad port in '" + std::string(whole) + "'");
    }
    return static_cast<std::uint16_t>(value);
}

Result<HostPort> split_host_port(std::string_view text, std::uint16_t default_port) {
    HostPort hp;
    hp.port = default_port;
    if (text.empty()) return Error::bad_input("empty host");
    if (text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return Error::bad_input("unclosed '[' in '" + std::string(text) + "'");
        hp.host = std::string(text.substr(1, close - 1));
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return Error::bad_input("junk after ']' in '" + std::string(text) + "'");
            DK_TRY(hp.port, parse_port(rest.substr(1), text));
        }
    } else {
        const auto colon = text.rfind(':');
        if (colon != std::string_view::npos && text.find(':') == colon) {
            hp.host = std::string(text.substr(0, colon));
            DK_TRY(hp.port, parse_port(text.substr(colon + 1), text));
        } else {
            hp.host = std::string(text);  // a bare IPv6 address has several colons
        }
    }
    if (hp.host.empty()) return Error::bad_input("empty host in '" + std::string(text) + "'");
    return hp;
}
}  // namespace

std::string probe_target(const Endpoint& endpoint, const std::string& address) {
    if (endpoint.connect_port() == endpoint.port) return address;
    return HostPort{address, endpoint.connect_port()}.to_string();
}

std::string HostPort::to_string() const {
    if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
    return host + ":" + std::to_string(port);
}

bool is_domain_name(std::string_view name) {
    if (name.ends_with('.')) name.remove_suffix(1);
    if (name.empty() || name.size() > 253) return false;
    std::size_t label = 0;
    for (const char c : name) {
        const auto ch = static_cast<unsigned char>(c);
        if (ch == '.') {
            if (label == 0) return false;
            label = 0;
        } else if (std::isalnum(ch) != 0 || ch == '-' || ch == '_') {
            if (++label > 63) return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

bool is_ip_address(const std::string& text) {
    unsigned char scratch[16];
    return ::inet_pton(AF_INET, text.c_str(), scratch) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), scratch) == 1;
}

Result<HostPort> parse_host_port(std::string_view text, std::uint16_t default_port) {
    return split_host_port(text, default_port);
}

namespace {
struct Scheme {
    std::string_view name;
    TlsStart start;
};
constexpr Scheme schemes[] = {
    {"smtp", TlsStart::smtp},
    {"submission", TlsStart::smtp},
    {"imap", TlsStart::imap},
    {"pop3", TlsStart::pop3},
    {"tls", TlsStart::implicit},
    {"smtps", TlsStart::implicit},
    {"submissions", TlsStart::implicit},
    {"imaps", TlsStart::implicit},
    {"pop3s", TlsStart::implicit},
};

Result<TlsStart> scheme_start(std::string_view name, std::string_view whole) {
    for (const auto& scheme : schemes) {
        if (scheme.name == name) return scheme.start;
    }
    return Error::bad_input("unknown scheme '" + std::string(name) + "://' in '" +
                            std::string(whole) +
                            "' (expected smtp, submission, imap, pop3, tls, smtps, submissions, "
                            "imaps or pop3s)");
}

// The part after '@': an IP literal, with the endpoint's port unless it names one.
Result<HostPort> parse_probe_at(std::string_view text, std::string_view whole) {
    if (text.empty())
        return Error::bad_input("no probe address after '@' in '" + std::string(whole) + "'");
    // Port 0 cannot be written (parse_port refuses it): it marks "no port given".
    auto parsed = split_host_port(text, 0);
    if (!parsed.ok())
        return Error::bad_input(parsed.error().message + " in '" + std::string(whole) + "'");
    HostPort at = *parsed;
    if (!is_ip_address(at.host))
        return Error::bad_input("probe address '" + at.host + "' in '" + std::string(whole) +
                                "' is not an IP address");
    return at;
}
}  // namespace

Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port,
                                std::optional<TlsStart> start) {
    const std::string_view whole = text;
    std::optional<TlsStart> from_scheme;
    if (const auto sep = text.find("://"); sep != std::string_view::npos) {
        DK_TRY(from_scheme, scheme_start(text.substr(0, sep), whole));
        text.remove_prefix(sep + 3);
    }
    std::optional<HostPort> probe_at;
    if (const auto at = text.find('@'); at != std::string_view::npos) {
        DK_TRY(probe_at, parse_probe_at(text.substr(at + 1), whole));
        text = text.substr(0, at);
    }
    // With a scheme the port is not guessed: port 0 (never parsed) marks a missing one.
    auto parsed = split_host_port(text, from_scheme ? 0 : default_port);
    if (!parsed.ok() && text.size() != whole.size())
        return Error::bad_input(parsed.error().message + " in '" + std::string(whole) + "'");
    DK_TRY(HostPort hp, std::move(parsed));
    if (hp.port == 0)
        return Error::bad_input("no port in '" + std::string(whole) +
                                "' (write SCHEME://host:port)");
    Endpoint ep;
    ep.host = hp.host;
    if (!ep.host.empty() && ep.host.back() == '.') ep.host.pop_back();
    ep.port = hp.port;
    ep.start = from_scheme.value_or(start.value_or(default_tls_start(hp.port)));
    if (probe_at) {
        if (probe_at->port == 0) probe_at->port = ep.port;
        ep.probe_at = std::move(probe_at);
    }
    return ep;
}

}  // namespace dk
