// The ACME directory (RFC 8555 section 7.1.1) and the objects the flow reads: account, order,
// authorization, challenge (section 7.1.2-7.1.5), plus ARI's renewalInfo (RFC 9773).
// Parsers take the body text; the server is untrusted, so every field is checked.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace dk::acme {

struct Directory {
    std::string new_nonce;
    std::string new_account;
    std::string new_order;
    std::optional<std::string> renewal_info;  // ARI, when offered
    std::optional<std::string> terms_of_service;
    bool external_account_required = false;
};

Result<Directory> parse_directory(std::string_view body, const std::string& source);

struct Challenge {
    std::string type;  // "dns-01", "http-01", ...
    std::string url;
    std::string token;
    std::string status;
    std::string error;  // the problem's one line when the server gave one
};

struct Authorization {
    std::string status;      // pending, valid, invalid, deactivated, expired, revoked
    std::string identifier;  // the DNS name
    bool wildcard = false;
    std::vector<Challenge> challenges;  // those we can read (https URL, base64url token)
};

struct Order {
    std::string status;  // pending, ready, processing, valid, invalid
    std::vector<std::string> authorizations;
    std::string finalize;
    std::optional<std::string> certificate;
    std::string error;  // one line, when the order failed
};

Result<Authorization> parse_authorization(std::string_view body, const std::string& source);
Result<Order> parse_order(std::string_view body, const std::string& source);
Result<Challenge> parse_challenge(std::string_view body, const std::string& source);

// The status of an account object (valid, deactivated, revoked).
Result<std::string> parse_account_status(std::string_view body, const std::string& source);

// ARI's suggested window: renew at a time between start and end (RFC 9773 section 4.2).
struct RenewalWindow {
    TimePoint start;
    TimePoint end;
};
Result<RenewalWindow> parse_renewal_info(std::string_view body, const std::string& source);

// Only https URLs with a host (printable ASCII, at most 2000 bytes): the server chooses every
// URL we follow, and each one carries our signed requests or the certificate we trust.
bool https_url(std::string_view url);

}  // namespace dk::acme
