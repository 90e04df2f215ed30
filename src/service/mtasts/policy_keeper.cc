#include "service/mtasts/policy_keeper.h"

#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "mtasts/policy.h"
#include "mtasts/sts_record.h"
#include "zone/resolver/resolver.h"

namespace dk::service {
namespace {

std::string guard_path(const std::string& state_dir, const std::string& zone) {
    return state_dir + "/mta-sts-" + relative_name(lower(zone)) + ".enforced-until";
}

Status record_enforce(const std::string& state_dir, const config::ZoneConfig& zone, TimePoint now) {
    const TimePoint until = now + Seconds{zone.mta_sts->max_age};
    const auto held = enforce_cached_until(state_dir, zone.name);
    if (held && *held >= until) return {};
    return files::write_atomic(guard_path(state_dir, zone.name),
                               std::to_string(unix_seconds(until)) + "\n", 0600,
                               files::Overwrite::yes);
}

// The policy file as it is; empty when there is none yet.
Result<std::string> current_policy(const std::string& path) {
    if (::access(path.c_str(), F_OK) != 0) return std::string();
    return files::read_limited(path, mtasts::max_policy_bytes);
}

// The guarded change that leaves exactly `wanted` among the STS records at the owner.
Result<std::optional<zone::ZoneChange>> txt_change(const config::ZoneConfig& zone,
                                                   zone::Publisher& publisher,
                                                   const std::string& wanted_text) {
    const std::string owner = mta_sts_owner(zone.name);
    DK_TRY(zone::Rrset rrset, publisher.read_rrset(owner, LDNS_RR_TYPE_TXT));
    DK_TRY(const std::string raw, zone::txt_character_string(wanted_text));
    DK_TRY(const std::string wanted, zone::canonical_rdata(LDNS_RR_TYPE_TXT, raw));
    zone::ZoneChange change{zone.name, {}, {rrset}};
    bool present = false;
    for (const auto& rdata : rrset.rdatas) {
        if (rdata == wanted) {
            present = true;
        } else if (rdata.starts_with("\"v=STSv1")) {
            change.changes.push_back(
                {zone::ChangeAction::remove, owner, LDNS_RR_TYPE_TXT, 0, rdata});
        }
    }
    if (!present)
        change.changes.push_back(
            {zone::ChangeAction::add, owner, LDNS_RR_TYPE_TXT, zone.tlsa_ttl, wanted});
    if (change.changes.empty()) return std::optional<zone::ZoneChange>();
    return std::optional<zone::ZoneChange>(std::move(change));
}

}  // namespace

std::string mta_sts_owner(const std::string& zone) {
    return "_mta-sts." + absolute_name(lower(zone));
}

Result<std::vector<std::string>> validated_mx_patterns(const HostPort& resolver,
                                                       const std::string& domain) {
    DK_TRY(const zone::ResolverReply reply,
           zone::ask_resolver(resolver, domain, zone::QueryType::mx));
    switch (reply.verdict) {
        case zone::ResolverVerdict::answer:
            break;
        case zone::ResolverVerdict::failure:
            return Error::environment(domain + " MX: the resolver answered rcode " +
                                      std::to_string(reply.rcode));
        case zone::ResolverVerdict::insecure:
            return Error::check_failed(domain + " MX: the answer is not validated (no AD bit)");
        case zone::ResolverVerdict::validated_denial:
            return Error::check_failed(domain + " MX: no MX RRset (validated denial)");
    }
    std::vector<std::string> patterns;
    for (const auto& mx : reply.mx) {
        if (mx.host == ".")
            return Error::check_failed(domain + " MX: a null MX (RFC 7505) accepts no mail");
        patterns.push_back(mtasts::pattern_of(mx.host));
    }
    std::sort(patterns.begin(), patterns.end());
    patterns.erase(std::unique(patterns.begin(), patterns.end()), patterns.end());
    return patterns;
}

Result<MtaStsKept> keep_mta_sts(const config::ZoneConfig& zone, const HostPort& resolver,
                                zone::Publisher& publisher, const std::string& state_dir,
                                TimePoint now) {
    const config::MtaStsConfig& m = *zone.mta_sts;
    MtaStsKept kept;
    kept.domain = relative_name(zone.name);
    DK_TRY(const mtasts::Mode mode, mtasts::mode_from(m.mode));
    mtasts::Policy policy{mode, static_cast<std::uint32_t>(m.max_age), {}};
    DK_TRY(policy.mx, validated_mx_patterns(resolver, zone.name));
    DK_TRY(kept.policy_text, mtasts::render_policy(policy));
    kept.id = mtasts::policy_id(kept.policy_text);
    if (mode == mtasts::Mode::enforce) DK_TRY_STATUS(record_enforce(state_dir, zone, now));
    DK_TRY(const std::string served, current_policy(m.policy_file));
    if (served != kept.policy_text) {
        DK_TRY_STATUS(
            files::write_atomic(m.policy_file, kept.policy_text, 0644, files::Overwrite::yes));
        kept.policy_written = true;
        log::info(
            "mta_sts.policy_written",
            {{"zone", zone.name}, {"file", m.policy_file}, {"id", kept.id}, {"mode", m.mode}});
    }
    DK_TRY(const std::string record, mtasts::sts_record_text(kept.id));
    DK_TRY(auto change, txt_change(zone, publisher, record));
    if (!change) return kept;
    DK_TRY(const zone::UpdateResult result, publisher.apply(*change));
    if (result.outcome != zone::UpdateOutcome::applied &&
        result.outcome != zone::UpdateOutcome::unchanged)
        return zone::to_error(result);
    kept.txt_changed = true;
    kept.update = result.message;
    log::info("mta_sts.id_published",
              {{"zone", zone.name}, {"owner", mta_sts_owner(zone.name)}, {"id", kept.id}});
    return kept;
}

std::optional<TimePoint> enforce_cached_until(const std::string& state_dir,
                                              const std::string& zone) {
    const std::string path = guard_path(state_dir, zone);
    if (::access(path.c_str(), F_OK) != 0) return std::nullopt;
    auto text = files::read_limited(path, 64);
    if (!text.ok()) return std::nullopt;
    const std::string_view digits = trim(*text);
    long long seconds = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), seconds);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return from_unix_seconds(seconds);
}

std::vector<cert::WebPkiDemand> webpki_demands(const config::Config& config,
                                               const config::SlotConfig& slot, TimePoint now,
                                               MtaStsScope scope) {
    std::vector<cert::WebPkiDemand> demands;
    for (const auto& zone : config.zones) {
        if (!zone.mta_sts) continue;
        const std::string domain = relative_name(zone.name);
        const auto cached = enforce_cached_until(config.state_dir, zone.name);
        std::string why;
        std::string fix;
        if (zone.mta_sts->mode == "enforce") {
            why = domain + "'s MTA-STS policy is enforce";
            fix = ", or mta_sts_mode = \"testing\" in [[zone]] " + domain + " and wait max_age";
        } else if (cached && now < *cached) {
            why = domain + "'s MTA-STS policy was enforce and senders may hold it until " +
                  iso_time(*cached);
            fix = ", or wait until then";
        } else if (zone.mta_sts->mode == "testing" && scope == MtaStsScope::testing_too) {
            why = domain + "'s MTA-STS policy is testing (senders report, still deliver)";
            fix = " before mta_sts_mode = \"enforce\"";
        } else {
            continue;
        }
        auto text = current_policy(zone.mta_sts->policy_file);
        if (!text.ok() || text->empty()) continue;  // nothing served: no sender holds a policy
        auto policy = mtasts::parse_policy(*text);
        if (!policy.ok()) continue;
        for (const auto& ep : slot.endpoints) {
            if (ep.start != TlsStart::smtp || ep.port != 25) continue;
            const bool covered =
                std::any_of(policy->mx.begin(), policy->mx.end(),
                            [&](const std::string& p) { return mtasts::mx_matches(p, ep.host); });
            if (!covered) continue;
            demands.push_back(
                {ep.to_string(), ep.host, why,
                 "a certificate for " + ep.host + " from a CA senders trust (WebPKI)" + fix,
                 zone.mta_sts->ca_bundle});
        }
    }
    return demands;
}

}  // namespace dk::service
