#include "service/mtasts/sender_check.h"

#include <algorithm>

#include "base/files.h"
#include "base/strings.h"
#include "cert/chain.h"
#include "mtasts/policy.h"
#include "mtasts/sts_record.h"
#include "probe/probe.h"
#include "service/mtasts/policy_fetch.h"
#include "service/mtasts/policy_keeper.h"
#include "zone/resolver/resolver.h"

namespace dk::service {
namespace {

using enum MtaStsOutcome;

MtaStsOutcome outcome_of(const Error& e) {
    return e.kind == ErrorKind::environment ? unknown : failure;
}

void check_txt(const config::ZoneConfig& zone, const HostPort& resolver, MtaStsReport& r) {
    const std::string owner = mta_sts_owner(zone.name);
    auto reply = zone::ask_resolver(resolver, owner, zone::QueryType::txt);
    if (!reply.ok()) return r.findings.push_back({"txt-id", owner, unknown, reply.error().message});
    if (reply->verdict == zone::ResolverVerdict::failure)
        return r.findings.push_back(
            {"txt-id", owner, unknown,
             "the resolver answered rcode " + std::to_string(reply->rcode)});
    auto id = mtasts::sts_id_of(reply->txt);
    if (!id.ok()) {
        return r.findings.push_back(
            {"txt-id", owner, failure, id.error().message + ": senders see no MTA-STS policy"});
    }
    if (!r.id.empty() && *id != r.id) {
        return r.findings.push_back({"txt-id", owner, failure,
                                     "id " + *id + " is not the policy file's " + r.id +
                                         ": senders holding a policy will not fetch the new one "
                                         "(danekeeper mta-sts sync)"});
    }
    r.findings.push_back({"txt-id", owner, ok, "v=STSv1; id=" + *id});
}

// The policy each address of the policy host serves; the first one parsed is returned.
std::optional<mtasts::Policy> check_policy_host(const config::ZoneConfig& zone,
                                                const HostPort& resolver, const std::string& ours,
                                                MtaStsReport& r) {
    const std::string host = "mta-sts." + r.domain;
    std::vector<std::string> addresses = zone.mta_sts->addresses;
    if (addresses.empty()) {
        auto found = zone::resolve_addresses(resolver, absolute_name(host));
        if (!found.ok()) {
            r.findings.push_back({"policy-host", host, unknown, found.error().message});
            return std::nullopt;
        }
        addresses = std::move(*found);
    }
    if (addresses.empty()) {
        r.findings.push_back(
            {"policy-host", host, failure, "no A or AAAA record: senders find no policy"});
        return std::nullopt;
    }
    std::optional<mtasts::Policy> first;
    PolicyFetchOptions options;
    options.ca_bundle = zone.mta_sts->ca_bundle;
    for (const auto& address : addresses) {
        auto fetched = fetch_policy(r.domain, address, options);
        if (!fetched.ok()) {
            r.findings.push_back(
                {"policy-host", address, outcome_of(fetched.error()), fetched.error().message});
            continue;
        }
        auto policy = mtasts::parse_policy(fetched->body);
        if (!policy.ok()) {
            r.findings.push_back(
                {"policy-host", address, failure,
                 fetched->url + ": senders cannot read the policy: " + policy.error().message});
            continue;
        }
        if (!first) first = *policy;
        if (!ours.empty() && fetched->body != ours) {
            r.findings.push_back({"policy-host", address, failure,
                                  fetched->url + " serves a policy other than " +
                                      zone.mta_sts->policy_file + " (id " +
                                      mtasts::policy_id(fetched->body) +
                                      "): check the web server's root"});
            continue;
        }
        r.findings.push_back(
            {"policy-host", address, ok,
             fetched->url + ": mode " + std::string(mtasts::to_string(policy->mode)) + ", " +
                 std::to_string(policy->mx.size()) + " mx, max_age " +
                 std::to_string(policy->max_age) + ", certificate valid for " + host});
    }
    return first;
}

void check_mx_certificates(const config::ZoneConfig& zone, const HostPort& resolver,
                           const std::vector<std::string>& mx_hosts, MtaStsReport& r) {
    const bool enforce = zone.mta_sts->mode == "enforce";
    std::vector<probe::ProbeRequest> requests;
    for (const auto& host : mx_hosts) {
        auto addresses = zone::resolve_addresses(resolver, absolute_name(host));
        if (!addresses.ok() || addresses->empty()) {
            r.findings.push_back({"mx-certificate", host, unknown,
                                  addresses.ok() ? "no address" : addresses.error().message});
            continue;
        }
        for (const auto& a : *addresses)
            requests.push_back({Endpoint{host, 25, TlsStart::smtp, {}}, a, {}, {}});
    }
    const auto results = probe::probe_all_chains(requests, probe::ProbeOptions{});
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const std::string& host = requests[i].endpoint.host;
        for (const auto& p : results[i]) {
            const std::string where =
                host + "@" + p.address + (p.key_family.empty() ? "" : " (" + p.key_family + ")");
            if (p.failed_at != probe::Stage::done && p.failed_at != probe::Stage::verify) {
                r.findings.push_back({"mx-certificate", where,
                                      p.environment_failure ? unknown
                                      : enforce             ? failure
                                                            : warning,
                                      "no TLS: " + p.problem});
                continue;
            }
            auto chain = cert::parse_chain_pem(p.presented_chain_pem, where);
            Status verified = chain.ok()
                                  ? cert::verify_for_host(*chain, host, zone.mta_sts->ca_bundle)
                                  : Status(chain.error());
            if (verified.ok()) {
                r.findings.push_back({"mx-certificate", where, ok,
                                      "valid for " + host + " (issued by " + p.issuer + ")"});
                continue;
            }
            r.findings.push_back(
                {"mx-certificate", where, enforce ? failure : warning,
                 "MTA-STS senders refuse it (" + verified.error().message + ")" +
                     (enforce
                          ? ": mail from them is not delivered; a DANE-only private CA needs "
                            "mta_sts_mode = \"testing\" or a WebPKI certificate"
                          : ": in testing mode they deliver and report; enforce would stop it")});
        }
    }
}

}  // namespace

std::string_view to_string(MtaStsOutcome outcome) {
    switch (outcome) {
        case warning:
            return "warn";
        case failure:
            return "FAIL";
        case unknown:
            return "unknown";
        default:
            return "ok";
    }
}

MtaStsReport check_mta_sts(const config::ZoneConfig& zone, const HostPort& resolver) {
    MtaStsReport r;
    r.domain = relative_name(zone.name);
    r.mode = zone.mta_sts->mode;
    std::string ours;
    auto text = files::read_limited(zone.mta_sts->policy_file, mtasts::max_policy_bytes);
    if (!text.ok()) {
        r.findings.push_back({"policy-file", zone.mta_sts->policy_file, failure,
                              text.error().message + " (danekeeper mta-sts sync writes it)"});
    } else if (auto parsed = mtasts::parse_policy(*text); !parsed.ok()) {
        r.findings.push_back(
            {"policy-file", zone.mta_sts->policy_file, failure, parsed.error().message});
    } else {
        ours = *text;
        r.id = mtasts::policy_id(ours);
        const bool mode_kept = mtasts::to_string(parsed->mode) == r.mode;
        r.findings.push_back({"policy-file", zone.mta_sts->policy_file, mode_kept ? ok : failure,
                              mode_kept
                                  ? "id " + r.id
                                  : "mode " + std::string(mtasts::to_string(parsed->mode)) +
                                        ", configured " + r.mode + " (danekeeper mta-sts sync)"});
    }
    check_txt(zone, resolver, r);
    const auto served = check_policy_host(zone, resolver, ours, r);
    auto mx = validated_mx_patterns(resolver, zone.name);
    if (!mx.ok()) {
        r.findings.push_back({"mx-pattern", r.domain, outcome_of(mx.error()), mx.error().message});
        return r;
    }
    if (served) {
        for (const auto& host : *mx) {
            const bool covered =
                std::any_of(served->mx.begin(), served->mx.end(),
                            [&](const std::string& p) { return mtasts::mx_matches(p, host); });
            r.findings.push_back({"mx-pattern", host,
                                  covered ? ok : (r.mode == "enforce" ? failure : warning),
                                  covered ? "matches the served policy"
                                          : "no mx pattern of the served policy matches: senders "
                                            "applying it refuse this MX"});
        }
    }
    if (r.mode != "none") check_mx_certificates(zone, resolver, *mx, r);
    return r;
}

MtaStsOutcome overall(const std::vector<MtaStsReport>& reports) {
    MtaStsOutcome worst = ok;
    for (const auto& r : reports) {
        for (const auto& f : r.findings) {
            if (f.outcome == failure) return failure;
            if (f.outcome == unknown)
                worst = unknown;
            else if (f.outcome == warning && worst == ok)
                worst = warning;
        }
    }
    return worst;
}

}  // namespace dk::service
