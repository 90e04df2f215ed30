// Benchmark helper of sign_bench.sh (not a test, not built by CMake: the script compiles it
// against the release build's libraries): one TLSA change through the signed-file publisher as
// a daemon's slot run makes it, a fresh publisher that reads the RRset (the guard) and then
// applies the change (our records saved, the zone signed from the last output and written).
// Then a second change through the same publisher, as the next change within its lifetime: it
// takes the blocks it wrote unchanged (zone/sign/sign_job.h KeptSigning). RDATA2 is added then.
// Usage: file_publisher_bench ZONE UNSIGNED_FILE KEY_DIR SIGNED_FILE MANAGED_FILE OWNER RDATA
//        RDATA2
// Prints one JSON line: read_ms, apply_ms, read2_ms, apply2_ms and the serials.
#include <chrono>
#include <cstdio>
#include <string>

#include "base/clock.h"
#include "zone/sign/file_publisher.h"
#include "zone/sign/key_files.h"

int main(int argc, char** argv) {
    using namespace dk::zone::sign;
    if (argc != 9) {
        std::fprintf(stderr, "usage: %s ZONE UNSIGNED KEY_DIR SIGNED MANAGED OWNER RDATA RDATA2\n",
                     argv[0]);
        return 2;
    }
    const std::string zone = argv[1];
    auto keys = load_key_directory(argv[3], zone);
    if (!keys.ok()) {
        std::fprintf(stderr, "%s\n", keys.error().message.c_str());
        return 1;
    }
    FilePublisherOptions o;
    o.zone = zone;
    o.unsigned_file = argv[2];
    o.signed_file = argv[4];
    o.managed_file = argv[5];
    o.keys = key_set_from(*keys);
    const dk::SystemClock clock;
    FilePublisher publisher(std::move(o), clock);
    const std::string owner = argv[6];
    using Steady = std::chrono::steady_clock;
    const auto start = Steady::now();
    auto current = publisher.read_rrset(owner, LDNS_RR_TYPE_TLSA);
    if (!current.ok()) {
        std::fprintf(stderr, "%s\n", current.error().message.c_str());
        return 1;
    }
    const auto read = Steady::now();
    const dk::zone::ZoneChange change{
        zone, {{dk::zone::ChangeAction::add, owner, LDNS_RR_TYPE_TLSA, 3600, argv[7]}}, {*current}};
    auto applied = publisher.apply(change);
    const auto done = Steady::now();
    if (!applied.ok() || applied->outcome != dk::zone::UpdateOutcome::applied) {
        std::fprintf(stderr, "%s\n",
                     applied.ok() ? applied->message.c_str() : applied.error().message.c_str());
        return 1;
    }
    auto again = publisher.read_rrset(owner, LDNS_RR_TYPE_TLSA);
    if (!again.ok()) {
        std::fprintf(stderr, "%s\n", again.error().message.c_str());
        return 1;
    }
    const auto read2 = Steady::now();
    const dk::zone::ZoneChange second{
        zone, {{dk::zone::ChangeAction::add, owner, LDNS_RR_TYPE_TLSA, 3600, argv[8]}}, {*again}};
    auto applied2 = publisher.apply(second);
    const auto done2 = Steady::now();
    if (!applied2.ok() || applied2->outcome != dk::zone::UpdateOutcome::applied) {
        std::fprintf(stderr, "second change: %s\n",
                     applied2.ok() ? applied2->message.c_str() : applied2.error().message.c_str());
        return 1;
    }
    const auto ms = [](Steady::duration d) {
        return std::chrono::duration<double, std::milli>(d).count();
    };
    std::printf(
        "{\"read_ms\": %.0f, \"apply_ms\": %.0f, \"serial\": %u, \"read2_ms\": %.0f, "
        "\"apply2_ms\": %.0f, \"serial2\": %u}\n",
        ms(read - start), ms(done - read), applied->serial, ms(read2 - done), ms(done2 - read2),
        applied2->serial);
    return 0;
}
