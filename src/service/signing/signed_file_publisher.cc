#include "service/signing/signed_file_publisher.h"

#include <sys/stat.h>

#include "base/log.h"
#include "base/strings.h"
#include "zone/dnssec_keys/ds.h"
#include "zone/sign/key_files.h"
#include "zone/sign/record_text.h"

namespace dk::service {
namespace {

// STATE_DIR/signed/ZONE (without the trailing dot): our records and, by default, the keys.
std::string zone_state_dir(const config::Config& config, const std::string& zone) {
    return config.state_dir + "/signed/" + relative_name(zone);
}

// The DS (SHA-256) to publish at the parent for a new key, as the log line shows it.
std::string ds_text_for_log(const zone::sign::Dnskey& key, const std::string& zone) {
    namespace dks = zone::dnssec_keys;
    auto owner = dks::owner_wire(zone);
    auto ds = owner.ok() ? dks::ds_rdata(*owner, key.rdata()) : Result<std::string>(owner.error());
    return ds.ok() ? lower(dks::ds_text(*ds)) : "(" + ds.error().message + ")";
}

Status make_private_dir(const std::string& path) {
    std::string prefix;
    std::size_t at = 0;
    while (at != std::string::npos) {
        at = path.find('/', at + 1);
        prefix = path.substr(0, at);
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
            return Error::environment(prefix + ": cannot create the directory");
    }
    return {};
}

std::string now_text(const Clock& clock) {
    std::string out;
    zone::sign::append_rrsig_time(out, static_cast<std::uint32_t>(unix_seconds(clock.now())));
    return out;
}

Result<zone::sign::KeySet> zone_keys(const std::string& dir, const config::ZoneConfig& zone,
                                     const Clock& clock, SetUp set_up) {
    if (!zone::sign::has_key_files(dir, zone.name)) {
        if (set_up == SetUp::refused)
            return Error::environment("zone " + zone.name + ": no signing key in " + dir +
                                      " yet (the first run makes it)");
        const auto algorithm = zone::sign::parse_algorithm(zone.signed_file->algorithm);
        DK_TRY(zone::sign::SigningKey key,
               zone::sign::SigningKey::generate(*algorithm,
                                                zone::sign::flag_zone_key | zone::sign::flag_sep));
        DK_TRY(const std::string base,
               zone::sign::write_key_files(dir, zone.name, key, now_text(clock)));
        log::warn("dnssec.key_generated", {{"zone", zone.name},
                                           {"key", base + ".key"},
                                           {"ds", ds_text_for_log(key.dnskey(), zone.name)},
                                           {"todo", "publish this DS at the parent"}});
    }
    DK_TRY(const zone::sign::KeyDirectory keys, zone::sign::load_key_directory(dir, zone.name));
    return zone::sign::key_set_from(keys);
}

zone::sign::SignOptions sign_options(const config::SignedFileConfig& s) {
    zone::sign::SignOptions o;
    o.denial = s.nsec3 ? zone::sign::Denial::nsec3 : zone::sign::Denial::nsec;
    o.validity = Seconds{s.signature_validity_days * 86400LL};
    o.refresh = Seconds{s.refresh_days * 86400LL};
    o.jitter = Seconds{s.jitter_hours * 3600LL};
    return o;
}

Result<std::unique_ptr<zone::sign::FilePublisher>> file_publisher(
    const config::Config& config, const config::ZoneConfig& zone, const Clock& clock,
    const SigningInput* keys = nullptr, SetUp set_up = SetUp::allowed,
    SigningHolds* holds = nullptr) {
    const config::SignedFileConfig& s = *zone.signed_file;
    const std::string state = zone_state_dir(config, zone.name);
    const std::string keys_dir = s.keys_dir.value_or(state + "/keys");
    if (set_up == SetUp::allowed) {
        DK_TRY_STATUS(make_private_dir(state));
        if (!keys_managed(zone)) DK_TRY_STATUS(make_private_dir(keys_dir));
    }
    zone::sign::FilePublisherOptions o;
    o.zone = zone.name;
    o.unsigned_file = s.unsigned_file;
    o.signed_file = s.signed_file;
    o.managed_file = state + "/managed.zone";
    o.reload = s.reload;
    if (keys_managed(zone)) {
        // danekeeper's key planner decides the keys (service/signing/managed_keys.h): the step it
        // takes now, or what it committed last.
        DK_TRY(const SigningInput input, keys != nullptr ? Result<SigningInput>(*keys)
                                                         : committed_signing_input(config, zone));
        o.keys = input.keys;
        o.extra = input.extra;
    } else {
        DK_TRY(o.keys, zone_keys(keys_dir, zone, clock, set_up));
    }
    o.sign = sign_options(s);
    o.serial = *zone::sign::parse_serial_policy(s.serial);
    return std::make_unique<zone::sign::FilePublisher>(
        std::move(o), clock, holds != nullptr ? holds->of(zone.name) : nullptr);
}

}  // namespace

std::shared_ptr<zone::sign::HeldSigning> SigningHolds::of(const std::string& zone) {
    std::lock_guard lock(mutex_);
    auto& held = zones_[zone];
    if (!held) held = std::make_shared<zone::sign::HeldSigning>();
    return held;
}

void SigningHolds::clear() {
    std::lock_guard lock(mutex_);
    zones_.clear();  // a publisher still working keeps its zone's state until it is done
}

Result<std::unique_ptr<SignedFilePublisher>> SignedFilePublisher::create(
    const config::Config& config, const config::ZoneConfig& zone, const Clock& clock, SetUp set_up,
    SigningHolds* holds) {
    if (!zone.signed_file) return Error::bad_input("zone " + zone.name + " is not signed-file");
    DK_TRY(auto files, file_publisher(config, zone, clock, nullptr, set_up, holds));
    return std::unique_ptr<SignedFilePublisher>(
        new SignedFilePublisher(std::move(files), zone.name, zone.tlsa_ttl));
}

Result<std::uint32_t> sign_zone_with(const config::Config& config, const config::ZoneConfig& zone,
                                     const Clock& clock, const SigningInput& keys) {
    DK_TRY(auto files, file_publisher(config, zone, clock, &keys));
    return files->sign_now();
}

void refresh_signed_zones(const config::Config& config, const Clock& clock, SigningHolds* holds) {
    for (const auto& zone : config.zones) {
        if (!zone.signed_file) continue;
        auto files = file_publisher(config, zone, clock, nullptr, SetUp::allowed, holds);
        auto serial =
            files.ok() ? (*files)->refresh() : Result<std::optional<std::uint32_t>>(files.error());
        if (!serial.ok()) {
            log::error("zone.refresh_failed",
                       {{"zone", zone.name}, {"error", serial.error().message}});
        } else if (*serial) {
            log::info("zone.refreshed",
                      {{"zone", zone.name}, {"serial", static_cast<long long>(**serial)}});
        }
    }
}

}  // namespace dk::service
