// An endpoint: host + port + how TLS starts there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace dk {

enum class TlsStart { smtp, imap, pop3, implicit };

// "IP:PORT" / "[IPv6]:PORT" / "IP" (default port) for server addresses.
struct HostPort {
    std::string host;
    std::uint16_t port = 53;
    [[nodiscard]] std::string to_string() const;
    friend bool operator==(const HostPort&, const HostPort&) = default;
};

struct Endpoint {
    std::string host;  // without trailing dot
    std::uint16_t port = 25;
    TlsStart start = TlsStart::smtp;
    // Where the prober connects instead of the host's addresses (an MX behind NAT or a load
    // balancer): an IP literal and port. SNI, the TLSA owner and every name stay host:port.
    std::optional<HostPort> probe_at;

    [[nodiscard]] std::string to_string() const { return host + ":" + std::to_string(port); }
    [[nodiscard]] std::uint16_t connect_port() const { return probe_at ? probe_at->port : port; }
    friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

// The address a probe of the endpoint connects to, as reports name it: with the port when a probe
// address moves it ("10.0.0.5:10143", "[2001:db8::5]:2525"), else the address alone.
std::string probe_target(const Endpoint& endpoint, const std::string& address);

std::string_view to_string(TlsStart start);
Result<TlsStart> parse_tls_start(std::string_view text);  // smtp|imap|pop3|none

// The usual way TLS starts on a port: 25/587 SMTP STARTTLS, 143 IMAP, 110 POP3, else implicit.
TlsStart default_tls_start(std::uint16_t port);

// "host", "host:port" or "[v6]:port": port defaults to default_port, TLS starts as `start` says
// or as the port usually does (default_tls_start).
// "SCHEME://host:port": the scheme says how TLS starts, whatever the port (the port is required):
// smtp and submission (SMTP STARTTLS), imap, pop3, and tls or its aliases smtps, submissions,
// imaps, pop3s (implicit TLS).
// Either form may end in "@IP" or "@IP:PORT" ("@[v6]:PORT"): the probe address (probe_at; its
// port defaults to the endpoint's).
Result<Endpoint> parse_endpoint(std::string_view text, std::uint16_t default_port = 25,
                                std::optional<TlsStart> start = std::nullopt);

// A host or zone name as DNS carries it: labels of 1 to 63 letters, digits, '-' or '_', at most
// 253 characters in all; one trailing dot (absolute) is allowed, the root alone is not.
bool is_domain_name(std::string_view name);

// An IPv4 or IPv6 address literal (no brackets, no port).
bool is_ip_address(const std::string& text);

Result<HostPort> parse_host_port(std::string_view text, std::uint16_t default_port);

}  // namespace dk
