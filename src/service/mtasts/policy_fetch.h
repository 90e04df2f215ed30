// Fetching the MTA-STS policy as a sender does (RFC 8461 section 3.3): HTTPS GET of
// https://mta-sts.DOMAIN/.well-known/mta-sts.txt at one address of the policy host, the server
// authenticated by WebPKI for mta-sts.DOMAIN, no redirect followed, HTTP 200 with a text/plain
// body of at most 64 KiB, within a deadline.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "base/result.h"

namespace dk::service {

struct PolicyFetchOptions {
    std::optional<std::string> ca_bundle;       // the WebPKI roots; none: the system store
    std::chrono::milliseconds timeout{10'000};  // the whole exchange
    std::uint16_t port = 443;
};

struct FetchedPolicy {
    std::string url;
    std::string address;
    long status = 0;
    std::string content_type;
    std::string body;
};

// check_failed: the certificate is not valid for mta-sts.DOMAIN under the roots, a status other
// than 200 (a redirect included), a Content-Type other than text/plain, a body over 64 KiB;
// environment: no connection, timeout. The message names the URL and the address.
Result<FetchedPolicy> fetch_policy(const std::string& domain, const std::string& address,
                                   const PolicyFetchOptions& options);

// Whether a Content-Type header value is text/plain (parameters such as charset allowed).
bool text_plain(std::string_view content_type);

}  // namespace dk::service
