#include "service/issuance/acme_issuer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "acme/account_key.h"
#include "acme/client.h"
#include "acme/renewal.h"
#include "acme/retry.h"
#include "base/files.h"
#include "base/log.h"
#include "base/openssl_error.h"
#include "cert/chain.h"
#include "service/issuance/acme_dns01.h"

namespace dk::service {

acme::RenewalInput renewal_input_for(const config::SlotConfig& slot) {
    acme::RenewalInput input;
    input.renew_before_days = slot.renew_before_days;
    return input;
}

namespace {

Status write_hold(const std::string& acme_dir, TimePoint until) {
    return files::write_atomic(acme_dir + "/not-before", std::to_string(unix_seconds(until)), 0600,
                               files::Overwrite::yes);
}

}  // namespace

std::optional<AcmeHold> read_acme_hold(const std::string& acme_dir, TimePoint now) {
    auto hold = files::read_limited(acme_dir + "/not-before", 64);
    if (!hold.ok()) return std::nullopt;
    char* end = nullptr;
    const long long seconds = std::strtoll(hold->c_str(), &end, 10);
    if (end == hold->c_str()) return std::nullopt;
    // As issue() reads it: never further than the Retry-After bound.
    const long long latest = unix_seconds(now) + acme::max_retry_hold.count();
    const TimePoint until = from_unix_seconds(std::min(seconds, latest));
    if (until <= now) return std::nullopt;
    AcmeHold out{until, 0};
    if (auto refusals = files::read_limited(acme_dir + "/refusals", 16); refusals.ok())
        out.refusals =
            static_cast<int>(std::clamp(std::strtol(refusals->c_str(), nullptr, 10), 0L, 1000L));
    return out;
}

Result<TimePoint> record_refusal(const std::string& acme_dir, TimePoint now,
                                 std::optional<TimePoint> retry_after) {
    const std::string path = acme_dir + "/refusals";
    long refusals = 0;
    if (auto stored = files::read_limited(path, 16); stored.ok())
        refusals = std::strtol(stored->c_str(), nullptr, 10);
    // Bounded: a damaged file neither overflows nor shortens the backoff below the first step.
    refusals = std::clamp(refusals, 0L, 1000L) + 1;
    TimePoint until = now + acme::refusal_backoff(static_cast<int>(refusals));
    if (retry_after) until = std::max(until, acme::retry_hold(*retry_after, now));
    DK_TRY_STATUS(files::write_atomic(path, std::to_string(refusals), 0600, files::Overwrite::yes));
    DK_TRY_STATUS(write_hold(acme_dir, until));
    log::warn("acme.backoff", {{"refusals", refusals}, {"next_attempt", iso_time(until)}});
    return until;
}

void clear_refusals(const std::string& acme_dir) {
    ::unlink((acme_dir + "/refusals").c_str());
}

Result<std::string> AcmeIssuer::issue(const std::string& csr_pem,
                                      const std::vector<std::string>& names) {
    const std::string dir = state_dir_ + "/acme";
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return Error::environment(dir + ": cannot create directory");
    // A Retry-After from an earlier failure (rate limits) holds across runs and restarts.
    const std::string hold_path = dir + "/not-before";
    SystemClock clock;
    if (auto hold = files::read_limited(hold_path, 64); hold.ok()) {
        char* end = nullptr;
        long long seconds = std::strtoll(hold->c_str(), &end, 10);
        if (end == hold->c_str()) seconds = 0;
        // Bounded before it becomes a time (a stored year 3000000 would overflow the clock);
        // a hold further ahead, from an older version or by hand, is cut and written back so
        // that it ends.
        const long long latest = unix_seconds(clock.now()) + acme::max_retry_hold.count();
        if (seconds > latest) {
            seconds = latest;
            const auto cut = files::write_atomic(hold_path, std::to_string(seconds), 0600,
                                                 files::Overwrite::yes);
            if (!cut.ok()) log::warn("acme.hold_not_written", {{"error", cut.error().message}});
        }
        const TimePoint until = from_unix_seconds(seconds);
        if (clock.now() < until) {
            auto held = Error::environment("ACME: no new order before " + iso_time(until) +
                                           " (the CA's Retry-After, or the backoff after a "
                                           "refusal); waiting");
            held.retry_not_before = until;
            return held;
        }
    }
    if (acme_.challenge != "http-01" && !unresolved_.empty()) {
        // Answering now could let the CA ask a server whose TXT was never seen.
        const auto& first = unresolved_.front();
        return Error::environment(
            "dns-01: the TXT cannot be proven at every authoritative server: NS " + first.ns_name +
            " cannot be resolved: " + first.problem + "; no order until it can");
    }
    DK_TRY(ossl::EvpPkeyPtr account, acme::load_or_create_account_key(dir + "/account.key"));
    acme::ClientOptions options;
    options.directory_url = acme_.directory;
    // The dns-01 cache wait runs inside the issuance: the polling keeps its own 10 minutes.
    options.deadline += Seconds{acme_.dns01_max_cache_wait_seconds};
    options.contact = acme_.contact;
    options.preferred_chain = acme_.preferred_chain;
    if (acme_.eab_kid && acme_.eab_key_file) {
        DK_TRY(Bytes mac, acme::load_eab_key(*acme_.eab_key_file));
        options.eab = acme::Eab{*acme_.eab_kid, std::move(mac)};
    }
    acme::CurlTransport http(acme::CurlOptions{acme_.ca_bundle});
    acme::RealSleeper sleeper;
    acme::Client client(http, *account, options, clock, sleeper);
    std::unique_ptr<acme::Responder> responder;
    if (acme_.challenge == "http-01") {
        responder = std::make_unique<acme::WebrootResponder>(acme_.webroot.value_or(""));
    } else {
        Dns01Options dns;
        dns.zone = zone_;
        dns.authoritative = authoritative_;
        dns.ttl = txt_ttl_;
        dns.max_cache_wait = Seconds{acme_.dns01_max_cache_wait_seconds};
        responder = std::make_unique<Dns01Responder>(publisher_, dns);
    }
    auto result = client.issue(names, csr_pem, *responder);
    if (!result.ok()) {
        const auto until = client.retry_not_before();
        Error failed = result.error();
        if (failed.kind == ErrorKind::check_failed) {
            // A fresh order after the backoff, not at the planner's next retry.
            auto next = record_refusal(dir, clock.now(), until);
            if (next.ok())
                failed.retry_not_before = *next;
            else
                log::warn("acme.hold_not_written", {{"error", next.error().message}});
        } else if (until && *until > clock.now()) {
            const auto written = write_hold(dir, *until);
            if (!written.ok())
                log::warn("acme.hold_not_written", {{"error", written.error().message}});
            log::warn("acme.retry_after", {{"until", iso_time(*until)}});
            failed.retry_not_before = *until;
        }
        return failed;
    }
    ::unlink(hold_path.c_str());
    clear_refusals(dir);
    acme::Issued issued = std::move(result).value();
    DK_TRY_STATUS(cert::verify_chain_to_roots(issued.chain_pem, acme_.issuer_ca_file));
    log::info("acme.issued", {{"top_issuer", issued.top_issuer},
                              {"chains_offered", issued.issuers.size()},
                              {"bad_nonce_retries", client.bad_nonce_retries()}});
    return issued.chain_pem;
}

std::optional<TimePoint> AcmeIssuer::renewal_time(const std::string& chain_pem, TimePoint now) {
    if (chain_pem == asked_for_ && now - asked_at_ < std::chrono::hours(1)) return answer_;
    auto chain = cert::parse_chain_pem(chain_pem, "served chain");
    if (!chain.ok()) return std::nullopt;
    acme::CurlTransport http(acme::CurlOptions{acme_.ca_bundle});
    auto window = acme::fetch_renewal_window(http, acme_.directory, chain_pem);
    asked_for_ = chain_pem;
    asked_at_ = now;
    answer_.reset();
    if (!window.ok()) {
        log::warn("acme.renewal_info_failed", {{"error", window.error().message}});
        return answer_;
    }
    if (!*window) return answer_;
    acme::RenewalInput input = renewal_;
    input.not_before = cert::not_before(*chain->front());
    input.not_after = cert::not_after(*chain->front());
    input.ari = **window;
    input.window_point = acme::window_point_for(chain_pem);
    const acme::RenewalDecision decision = acme::decide_renewal(input, now);
    answer_ = decision.renew_at;
    log::info("acme.renewal_info", {{"window_start", iso_time((*window)->start)},
                                    {"window_end", iso_time((*window)->end)},
                                    {"renew_at", iso_time(*answer_)},
                                    {"reason", decision.reason}});
    return answer_;
}

}  // namespace dk::service
