#include "zone/sign/sign_job.h"

#include <sys/stat.h>

#include "base/log.h"
#include "zone/sign/parallel.h"
#include "zone/sign/signed_zone.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

using Steady = std::chrono::steady_clock;

std::chrono::milliseconds since(Steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - start);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

Result<Zone> read_unsigned(const SignJob& job, unsigned threads) {
    ReadOptions read;
    read.origin = job.origin;
    read.threads = threads;
    DK_TRY(std::vector<Record> records, read_zone_file(job.unsigned_file, read));
    for (const auto& r : job.managed) records.push_back(r);
    DK_TRY(WireName origin, wire_origin(job.origin));
    return build_zone(std::move(origin), std::move(records));
}

// The signed file as it is now, when there is one to keep signatures from. One that does not
// read is not fatal: everything is signed afresh.
std::optional<Zone> read_previous(const SignJob& job, unsigned threads) {
    if (!job.reuse_previous || !exists(job.signed_file)) return std::nullopt;
    ReadOptions read;
    read.origin = job.origin;
    read.threads = threads;
    auto previous = read_signed_zone_file(job.signed_file, read);
    if (!previous.ok()) {
        log::warn("zone.previous_unreadable",
                  {{"file", job.signed_file}, {"error", previous.error().message}});
        return std::nullopt;
    }
    if (previous->nodes.empty()) return std::nullopt;
    return std::move(*previous);
}

}  // namespace

Result<SignOutcome> run_sign_job(const SignJob& job, TimePoint now) {
    const unsigned threads = worker_count(job.options.threads);
    SignOutcome out;
    auto start = Steady::now();
    DK_TRY(Zone zone, read_unsigned(job, threads));
    DK_TRY_STATUS(prepare_zone(zone, job.keys, job.options));
    const std::optional<Zone> previous = read_previous(job, threads);
    out.had_previous = previous.has_value();
    out.read_time = since(start);
    const Zone* before = previous ? &*previous : nullptr;
    std::optional<std::uint32_t> last = job.last_serial;
    const std::optional<std::uint32_t> previous_serial =
        before ? soa_serial(*before) : std::nullopt;
    if (previous_serial && (!last || serial_greater(*previous_serial, *last)))
        last = previous_serial;
    if (job.skip_when_current && previous_serial) {
        const std::uint32_t file_serial = *soa_serial(zone);
        if (!serial_greater(file_serial, *previous_serial)) {
            set_soa_serial(zone, *previous_serial);
            DK_TRY(const SignStats due,
                   sign_prepared(zone, job.keys, job.options, before, now, true));
            if (due.signatures_made == 0) {
                out.serial = *previous_serial;
                out.stats = due;
                return out;
            }
        }
    }
    out.serial = next_serial(*soa_serial(zone), last, job.serial_policy, now);
    set_soa_serial(zone, out.serial);
    start = Steady::now();
    DK_TRY(out.stats, sign_to_file(zone, job.keys, job.options, before, now, job.signed_file));
    out.sign_time = since(start);
    out.written = true;
    return out;
}

}  // namespace dk::zone::sign
