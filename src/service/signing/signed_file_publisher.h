// The engine's DnsPublisher for publisher = "signed-file": TLSA changes become our records in
// the state directory, the zone file is signed with them and written where the name server loads
// it, and the server reloads (zone/sign). The rest of the engine sees no difference to RFC 2136:
// the same guarded changes, answered with the new serial.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "config/config.h"
#include "engine/ports.h"
#include "service/publish/dns_publisher_adapter.h"
#include "service/signing/managed_keys.h"
#include "zone/sign/file_publisher.h"

namespace dk::service {

// Whether opening a signed-file zone may make what it lacks: the state directory, keys_dir and,
// with none there yet, the signing key. A read-only verb opens with `refused` and changes nothing.
enum class SetUp { allowed, refused };

// What the daemon keeps of each signed-file zone's signing between passes and slot runs (the
// operator's file parsed, the blocks of the signed file written: zone/sign/file_publisher.h
// HeldSigning), one per zone, shared by the zone's publishers. A configuration reload drops it.
class SigningHolds {
  public:
    std::shared_ptr<zone::sign::HeldSigning> of(const std::string& zone);
    void clear();

  private:
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<zone::sign::HeldSigning>> zones_;
};

class SignedFilePublisher final : public engine::DnsPublisher {
  public:
    // Loads the zone's DNSSEC keys: with keys_dir, the BIND files there (with none there yet, it
    // makes a combined signing key, flags 257, and logs its DS, unless set_up is refused: then it
    // is an error); without, the keys danekeeper manages and rolls
    // (service/signing/managed_keys.h) as last committed. With `holds`, the zone's signing
    // state is kept there between publishers.
    static Result<std::unique_ptr<SignedFilePublisher>> create(const config::Config& config,
                                                               const config::ZoneConfig& zone,
                                                               const Clock& clock,
                                                               SetUp set_up = SetUp::allowed,
                                                               SigningHolds* holds = nullptr);

    Result<std::string> publish(const std::vector<engine::TlsaChange>& changes) override {
        return adapter_.publish(changes);
    }
    zone::sign::FilePublisher& files() { return *files_; }

  private:
    SignedFilePublisher(std::unique_ptr<zone::sign::FilePublisher> files, std::string zone,
                        std::uint32_t ttl)
        : files_(std::move(files)), adapter_(*files_, std::move(zone), ttl) {}
    std::unique_ptr<zone::sign::FilePublisher> files_;
    DnsPublisherAdapter adapter_;
};

// Signs the zone now with the keys a DNSSEC key step chose (managed keys); the serial written.
Result<std::uint32_t> sign_zone_with(const config::Config& config, const config::ZoneConfig& zone,
                                     const Clock& clock, const SigningInput& keys);

// Signs again every signed-file zone whose signatures are due or whose unsigned file changed
// (the daemon's refresh pass), with the state kept in `holds` when given; problems are logged,
// not fatal.
void refresh_signed_zones(const config::Config& config, const Clock& clock,
                          SigningHolds* holds = nullptr);

}  // namespace dk::service
