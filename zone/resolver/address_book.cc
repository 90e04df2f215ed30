#include "zone/resolver/address_book.h"

#include <arpa/inet.h>
#include <netdb.h>

#include "base/strings.h"
#include "zone/resolver/resolver.h"

namespace dk::zone {
Result<std::vector<std::string>> AddressBook::addresses(const std::string& host) {
    if (auto it = overrides_.find(absolute_name(host)); it != overrides_.end()) return it->second;
    in6_addr scratch{};
    if (::inet_pton(AF_INET, host.c_str(), &scratch) == 1 ||
        ::inet_pton(AF_INET6, host.c_str(), &scratch) == 1) {
        return std::vector<std::string>{host};
    }
    if (!resolver_) return Error::bad_input("no resolver configured to look up " + host);
    DK_TRY(auto all, resolve_addresses(*resolver_, absolute_name(host)));
    if (all.empty()) return Error::environment(host + " has no A or AAAA record");
    return all;
}

Result<std::vector<std::string>> AddressBook::addresses(const Endpoint& endpoint) {
    if (endpoint.probe_at) return std::vector<std::string>{endpoint.probe_at->host};
    return addresses(endpoint.host);
}

Result<std::vector<std::string>> system_addresses(const std::string& host) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
        return Error::environment("cannot resolve " + host + ": " + gai_strerror(rc));
    }
    std::vector<std::string> out;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
        char text[NI_MAXHOST];
        if (::getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0,
                          NI_NUMERICHOST) == 0)
            out.emplace_back(text);
    }
    ::freeaddrinfo(found);
    return out;
}

}  // namespace dk::zone
