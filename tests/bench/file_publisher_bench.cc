// Benchmark helper of sign_bench.sh (not a test, not built by CMake: the script compiles it
// against the release build's libraries): TLSA changes through the signed-file publisher as the
// daemon makes them. The zone's signing state is held as the daemon holds it between slot runs
// (zone/sign/file_publisher.h HeldSigning); each pass has a publisher of its own, as each slot
// run has. Pass 1, the first change after the daemon started: the publisher reads the RRset (the
// guard) and applies the change (our records saved, the zone signed from the last output and
// written). Pass 2, a later pass: the refresh the daemon makes first (nothing due), then a
// change through the held state (the zone changed in place, the blocks written unchanged taken
// from the file). Pass 3: another such change. RDATA1..3 are added in turn.
// Usage: file_publisher_bench ZONE UNSIGNED_FILE KEY_DIR SIGNED_FILE MANAGED_FILE OWNER RDATA1
//        RDATA2 RDATA3
// Prints one JSON line: read_ms, apply_ms (pass 1), refresh_ms, read2_ms, apply2_ms (pass 2),
// read3_ms, apply3_ms (pass 3), the serials, and the memory the held state keeps: held_heap_kb
// (malloc's bytes in use after pass 3, less before pass 1) and held_rss_kb (the same for
// VmRSS, with freed memory given back first).
#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "base/clock.h"
#include "zone/sign/file_publisher.h"
#include "zone/sign/key_files.h"

namespace {

using Steady = std::chrono::steady_clock;
using namespace dk::zone::sign;

double ms(Steady::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

long rss_kb() {
    malloc_trim(0);
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

long heap_kb() {
    return static_cast<long>(mallinfo2().uordblks / 1024);
}

struct Change {
    double read_ms = 0;
    double apply_ms = 0;
    std::uint32_t serial = 0;
};

// One slot run's change: the RRset read (the guard), then `rdata` added.
bool change(FilePublisher& publisher, const std::string& zone, const std::string& owner,
            const std::string& rdata, Change& out) {
    const auto start = Steady::now();
    auto current = publisher.read_rrset(owner, LDNS_RR_TYPE_TLSA);
    if (!current.ok()) {
        std::fprintf(stderr, "%s\n", current.error().message.c_str());
        return false;
    }
    const auto read = Steady::now();
    const dk::zone::ZoneChange c{
        zone, {{dk::zone::ChangeAction::add, owner, LDNS_RR_TYPE_TLSA, 3600, rdata}}, {*current}};
    auto applied = publisher.apply(c);
    const auto done = Steady::now();
    if (!applied.ok() || applied->outcome != dk::zone::UpdateOutcome::applied) {
        std::fprintf(stderr, "%s\n",
                     applied.ok() ? applied->message.c_str() : applied.error().message.c_str());
        return false;
    }
    out = {ms(read - start), ms(done - read), applied->serial.value_or(0)};
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 10) {
        std::fprintf(stderr,
                     "usage: %s ZONE UNSIGNED KEY_DIR SIGNED MANAGED OWNER RDATA1 RDATA2 RDATA3\n",
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
    const std::string owner = argv[6];
    const long rss_before = rss_kb();
    const long heap_before = heap_kb();
    auto held = std::make_shared<HeldSigning>();
    Change first, second, third;
    {
        FilePublisher pass(o, clock, held);
        if (!change(pass, zone, owner, argv[7], first)) return 1;
    }
    double refresh_ms = 0;
    {
        FilePublisher pass(o, clock, held);
        const auto start = Steady::now();
        auto refreshed = pass.refresh();
        refresh_ms = ms(Steady::now() - start);
        if (!refreshed.ok() || refreshed->has_value()) {
            std::fprintf(stderr, "refresh: %s\n",
                         refreshed.ok() ? "wrote the zone" : refreshed.error().message.c_str());
            return 1;
        }
        if (!change(pass, zone, owner, argv[8], second)) return 1;
    }
    {
        FilePublisher pass(o, clock, held);
        if (!change(pass, zone, owner, argv[9], third)) return 1;
    }
    held->kept.wait_released();
    std::printf(
        "{\"read_ms\": %.0f, \"apply_ms\": %.0f, \"serial\": %u, \"refresh_ms\": %.0f, "
        "\"read2_ms\": %.0f, \"apply2_ms\": %.0f, \"serial2\": %u, \"read3_ms\": %.0f, "
        "\"apply3_ms\": %.0f, \"serial3\": %u, \"blocks_taken\": %zu, \"blocks\": %zu, "
        "\"held_heap_kb\": %ld, \"held_rss_kb\": %ld}\n",
        first.read_ms, first.apply_ms, first.serial, refresh_ms, second.read_ms, second.apply_ms,
        second.serial, third.read_ms, third.apply_ms, third.serial, held->kept.blocks.taken,
        held->kept.blocks.blocks.size(), heap_kb() - heap_before, rss_kb() - rss_before);
    return 0;
}
