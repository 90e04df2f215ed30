#include "service/observe/check_observer.h"

#include <algorithm>

#include "base/strings.h"
#include "service/observe/prober_adapter.h"
#include "zone/resolver/resolver.h"

namespace dk::service {
namespace {

// Most preferred first (lowest preference), ties by name.
std::vector<zone::MxRecord> by_preference(std::vector<zone::MxRecord> mx) {
    std::sort(mx.begin(), mx.end(), [](const zone::MxRecord& a, const zone::MxRecord& b) {
        return std::tie(a.preference, a.host) < std::tie(b.preference, b.host);
    });
    return mx;
}

// MX lookup; hosts get the MX lookup's status. No MX: the domain itself (RFC 5321 section 5.1).
CheckedDomain hosts_of(const HostPort& resolver, const std::string& domain) {
    CheckedDomain d{relative_name(domain), "", {}, {}};
    auto reply = zone::ask_resolver(resolver, absolute_name(domain), zone::QueryType::mx);
    std::vector<zone::MxRecord> mx =
        reply.ok() ? by_preference(reply->mx) : std::vector<zone::MxRecord>{};
    const ops::Lookup status = sender_lookup(reply);
    if (!reply.ok()) {  // our resolver failed: no verdict for the domain (ops::Verdict::unknown)
        d.hosts.push_back({relative_name(domain),
                           0,
                           ops::Lookup::unreachable,
                           ops::Lookup::unreachable,
                           {},
                           reply.error().message,
                           {}});
        return d;
    }
    if (reply->rcode == zone::rcode_nxdomain) {
        d.problem = "no such domain (NXDOMAIN)";
        if (status != ops::Lookup::secure_denial)
            d.problem += ", the denial not DNSSEC-validated (no AD bit)";
    } else if (status == ops::Lookup::failed) {
        d.problem =
            "MX lookup failed with rcode " + std::to_string(reply->rcode) + ": a sender defers";
    } else if (mx.size() == 1 && mx.front().host == ".") {
        d.problem = "null MX: the domain accepts no mail (RFC 7505)";
    }
    if (!d.problem.empty()) return d;
    if (mx.empty()) mx.push_back({0, absolute_name(domain)});
    for (const auto& m : mx) {
        ops::HostObservation h;
        h.host = relative_name(m.host);
        h.preference = m.preference;
        h.mx = status;
        d.hosts.push_back(std::move(h));
    }
    return d;
}

void look_up_tlsa(const HostPort& resolver, ops::HostObservation& h, std::uint16_t port) {
    auto reply = zone::ask_resolver(resolver, tlsa_owner(h.host, port), zone::QueryType::tlsa);
    if (reply.ok()) {
        h.records = reply->tlsa;
        h.tlsa_cnames = reply->cnames;
    }
    h.tlsa = sender_lookup(reply);
}

}  // namespace

ops::Lookup sender_lookup(const Result<zone::ResolverReply>& reply) {
    if (!reply.ok()) return ops::Lookup::unreachable;
    switch (reply->verdict) {
        case zone::ResolverVerdict::answer:
            return ops::Lookup::secure;
        case zone::ResolverVerdict::validated_denial:
            return ops::Lookup::secure_denial;
        case zone::ResolverVerdict::insecure:
            return ops::Lookup::insecure;
        case zone::ResolverVerdict::failure:
            break;
    }
    return ops::Lookup::failed;
}

std::vector<CheckedDomain> observe_domains(const HostPort& resolver,
                                           const std::vector<std::string>& domains,
                                           std::uint16_t port, std::chrono::milliseconds timeout) {
    std::vector<CheckedDomain> out;
    std::vector<probe::ProbeRequest> requests;
    struct Where {
        std::size_t domain, host;
    };
    std::vector<Where> where;
    AddressBook book({}, resolver);
    for (const auto& name : domains) {
        out.push_back(hosts_of(resolver, name));
        for (std::size_t i = 0; i < out.back().hosts.size(); ++i) {
            auto& h = out.back().hosts[i];
            if (h.mx == ops::Lookup::unreachable) continue;
            look_up_tlsa(resolver, h, port);
            auto addresses = book.addresses(h.host);
            if (!addresses.ok()) {
                h.address_problem = addresses.error().message;
                continue;
            }
            const Endpoint ep{h.host, port, default_tls_start(port)};
            for (const auto& a : *addresses) {
                requests.push_back({ep, a, ops::usable_records(h.records)});
                where.push_back({out.size() - 1, i});
            }
        }
    }
    probe::ProbeOptions options;
    options.timeout = timeout;
    // Every chain each address presents: a sender offering only RSA must verify too.
    const auto results = probe::probe_all_chains(requests, options);
    for (std::size_t i = 0; i < results.size(); ++i) {
        auto& d = out[where[i].domain];
        for (const auto& r : results[i]) {
            d.hosts[where[i].host].probes.push_back({r.address, !r.tls_version.empty(), r.dane_ok,
                                                     r.environment_failure, r.problem,
                                                     r.key_family});
            d.probes.push_back(r);
        }
    }
    return out;
}

}  // namespace dk::service
