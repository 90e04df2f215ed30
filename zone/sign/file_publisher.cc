#include "zone/sign/file_publisher.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>

#include "base/files.h"
#include "base/log.h"
#include "base/process.h"
#include "zone/sign/parallel.h"
#include "zone/sign/record_text.h"
#include "zone/sign/sign_job.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

bool same_record(const Record& a, const Record& b) {
    return a.type == b.type && a.rdata == b.rdata && compare_names(a.owner, b.owner) == 0;
}

// The RDATA as ldns prints it, the form ZoneChange and Rrset texts compare in.
std::string rdata_text(std::uint16_t type, const std::string& rdata) {
    std::string line;
    append_record_text(line, std::string_view("\0", 1), type, 0, rdata);
    std::size_t at = 0;
    for (int tabs = 0; tabs < 4 && at != std::string::npos; ++tabs) at = line.find('\t', at + 1);
    std::string text = line.substr(at + 1, line.size() - at - 2);
    auto canonical = canonical_rdata(static_cast<ldns_rr_type>(type), text);
    return canonical.ok() ? *canonical : text;
}

Result<Record> to_record(const std::string& owner, ldns_rr_type type, std::uint32_t ttl,
                         const std::string& rdata, const std::string& zone) {
    return parse_record(owner + " " + std::to_string(ttl) + " IN " +
                            type_name(static_cast<std::uint16_t>(type)) + " " + rdata,
                        zone);
}

std::vector<std::string> sorted_rdatas(const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& r : records) out.push_back(r.rdata);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

// The records of `owner` and `type` in the operator's file and ours.
Result<std::vector<Record>> records_at(const std::vector<Record>& operators,
                                       const std::vector<Record>& managed, const std::string& owner,
                                       std::uint16_t type) {
    DK_TRY(const WireName name, wire_origin(owner));
    std::vector<Record> out;
    for (const auto* list : {&operators, &managed}) {
        for (const auto& r : *list) {
            // Equal names are as long (wire form): most owners are told apart without comparing.
            if (r.type == type && r.owner.size() == name.size() &&
                compare_names(r.owner, name) == 0)
                out.push_back(r);
        }
    }
    return out;
}

UpdateResult refused(const std::string& message) {
    UpdateResult r;
    r.outcome = UpdateOutcome::refused;
    r.message = message;
    return r;
}

}  // namespace

Result<std::vector<Record>> load_managed(const std::string& path, const std::string& zone) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::vector<Record>{};
    ReadOptions read;
    read.origin = zone;
    return read_zone_file(path, read);
}

Status save_managed(const std::string& path, const std::vector<Record>& records) {
    std::string text = "; records danekeeper manages, added to the zone it signs\n";
    for (const auto& r : records) append_record_text(text, r.owner, r.type, r.ttl, r.rdata);
    return files::write_atomic(path, text, 0640, files::Overwrite::yes);
}

std::string publisher_fingerprint(const FilePublisherOptions& options) {
    std::string out;
    const auto field = [&](std::string_view text) {
        out += std::to_string(text.size());
        out.push_back(':');
        out += text;
    };
    const auto number = [&](long long v) { field(std::to_string(v)); };
    for (const auto* text :
         {&options.zone, &options.unsigned_file, &options.signed_file, &options.managed_file})
        field(*text);
    for (const auto& key : options.keys.publish) field(key.rdata());
    field("zone_signing");
    for (const auto& key : options.keys.zone_signing) field(key.dnskey().rdata());
    field("key_signing");
    for (const auto& key : options.keys.key_signing) field(key.dnskey().rdata());
    field("extra");
    for (const auto& r : options.extra) {
        field(r.owner);
        number(r.type);
        number(r.ttl);
        field(r.rdata);
    }
    const SignOptions& o = options.sign;
    number(o.denial == Denial::nsec3 ? 3 : 1);
    number(o.nsec3.iterations);
    field(o.nsec3.salt);
    for (const Seconds s : {o.validity, o.refresh, o.jitter, o.backdate}) number(s.count());
    number(o.dnskey_ttl ? static_cast<long long>(*o.dnskey_ttl) : -1);
    number(static_cast<long long>(o.block_nodes));
    number(options.serial == SerialPolicy::unixtime ? 0 : 1);
    return out;
}

std::unique_lock<std::mutex> FilePublisher::hold() {
    std::unique_lock<std::mutex> lock(held_->mutex);
    if (held_->made_from != fingerprint_) {
        held_->drop();
        held_->made_from = fingerprint_;
    }
    return lock;
}

Result<const std::vector<Record>*> FilePublisher::unsigned_records() {
    DK_TRY(std::string text, files::read_limited(options_.unsigned_file, max_zone_file_bytes));
    HeldSigning::UnsignedFile read_now;
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), read_now.digest.data(), &length, EVP_sha256(),
                   nullptr) != 1)
        return Error::environment(options_.unsigned_file + ": cannot hash");
    auto& held = held_->unsigned_zone;
    if (held && held->digest == read_now.digest) return &held->records;
    held.reset();
    ReadOptions read;
    read.origin = options_.zone;
    read.source = options_.unsigned_file;
    read.threads = worker_count(options_.sign.threads);
    DK_TRY(read_now.records, read_zone_text(text, read));
    static std::atomic<std::uint64_t> parses{0};
    read_now.generation = ++parses;
    held = std::move(read_now);
    return &held->records;
}

Result<dk::zone::Rrset> FilePublisher::read_rrset(const std::string& owner, ldns_rr_type type) {
    const auto lock = hold();
    DK_TRY(const std::vector<Record>* operators, unsigned_records());
    DK_TRY(const std::vector<Record> managed, load_managed(options_.managed_file, options_.zone));
    DK_TRY(const std::vector<Record> records,
           records_at(*operators, managed, owner, static_cast<std::uint16_t>(type)));
    dk::zone::Rrset out;
    out.owner = owner;
    out.type = type;
    for (const auto& r : records) {
        out.ttl = r.ttl;
        out.rdatas.push_back(rdata_text(r.type, r.rdata));
    }
    std::sort(out.rdatas.begin(), out.rdatas.end());
    out.rdatas.erase(std::unique(out.rdatas.begin(), out.rdatas.end()), out.rdatas.end());
    return out;
}

Result<UpdateResult> FilePublisher::apply(const ZoneChange& change) {
    const auto lock = hold();
    for (const auto& c : change.changes) DK_TRY_STATUS(check_record_change(options_.zone, c));
    DK_TRY(const std::vector<Record>* operators_read, unsigned_records());
    const std::vector<Record>& operators = *operators_read;
    DK_TRY(std::vector<Record> managed, load_managed(options_.managed_file, options_.zone));
    const std::vector<Record> before = managed;
    for (const auto& expected : change.expected) {
        DK_TRY(const std::vector<Record> now,
               records_at(operators, managed, expected.owner,
                          static_cast<std::uint16_t>(expected.type)));
        std::vector<Record> seen;
        for (const auto& text : expected.rdatas) {
            DK_TRY(Record r, to_record(expected.owner, expected.type, 0, text, options_.zone));
            seen.push_back(std::move(r));
        }
        const dk::zone::Rrset after = apply_to(expected, change.changes);
        std::vector<Record> would_be;
        for (const auto& text : after.rdatas) {
            DK_TRY(Record r, to_record(expected.owner, expected.type, 0, text, options_.zone));
            would_be.push_back(std::move(r));
        }
        // As observed, or as it becomes (our records were saved, the file not yet written).
        const auto current = sorted_rdatas(now);
        if (current != sorted_rdatas(seen) && current != sorted_rdatas(would_be)) {
            UpdateResult r;
            r.outcome = UpdateOutcome::prerequisite_failed;
            r.message = "signed-file: " + expected.owner + " is not what was observed";
            return r;
        }
    }
    for (const auto& c : change.changes) {
        DK_TRY(Record r, to_record(c.owner, c.type, c.ttl, c.rdata, options_.zone));
        auto mine = std::find_if(managed.begin(), managed.end(),
                                 [&](const Record& m) { return same_record(m, r); });
        DK_TRY(const std::vector<Record> present,
               records_at(operators, managed, c.owner, static_cast<std::uint16_t>(c.type)));
        const bool anywhere = std::any_of(present.begin(), present.end(),
                                          [&](const Record& p) { return same_record(p, r); });
        if (c.action == ChangeAction::add && !anywhere) managed.push_back(std::move(r));
        if (c.action != ChangeAction::remove) continue;
        // Decided before erasing: erase() ends `mine`, which must not be compared afterwards.
        if (mine == managed.end() && anywhere)
            return refused(c.owner + " " + c.rdata + " is in " + options_.unsigned_file +
                           ": danekeeper removes only records it added");
        if (mine != managed.end()) managed.erase(mine);
    }
    const bool changed = managed.size() != before.size() ||
                         !std::equal(managed.begin(), managed.end(), before.begin(), same_record);
    if (changed) DK_TRY_STATUS(save_managed(options_.managed_file, managed));
    DK_TRY(const Published done, sign_and_reload(managed, changed));
    UpdateResult result;
    result.outcome = changed || done.written ? UpdateOutcome::applied : UpdateOutcome::unchanged;
    result.rcode = "signer";
    result.serial = done.serial;
    result.confirmed = true;
    result.message = "signed " + options_.signed_file + ", serial " + std::to_string(done.serial);
    return result;
}

Result<FilePublisher::Published> FilePublisher::sign_and_reload(const std::vector<Record>& managed,
                                                                bool force) {
    SignJob job;
    job.unsigned_file = options_.unsigned_file;
    DK_TRY(job.unsigned_records, unsigned_records());
    job.unsigned_generation = held_->unsigned_zone->generation;
    job.origin = options_.zone;
    job.signed_file = options_.signed_file;
    job.managed = managed;
    job.managed.insert(job.managed.end(), options_.extra.begin(), options_.extra.end());
    job.keys = options_.keys;
    job.options = options_.sign;
    job.serial_policy = options_.serial;
    job.skip_when_current = !force;
    job.kept = &held_->kept;
    DK_TRY(const SignOutcome out, run_sign_job(job, clock_.now()));
    if (!out.written) return Published{out.serial, false};
    log::info("zone.signed",
              {{"zone", options_.zone},
               {"serial", static_cast<long long>(out.serial)},
               {"signatures_made", static_cast<long long>(out.stats.signatures_made)},
               {"signatures_kept", static_cast<long long>(out.stats.signatures_kept)},
               {"file", options_.signed_file}});
    for (const auto& argv : options_.reload) {
        DK_TRY(const process::Completion done,
               process::run({argv, {}, options_.reload_timeout, 4096}));
        if (done.exit_code != 0) {
            return Error::environment("reload " + argv[0] + " exited " +
                                      std::to_string(done.exit_code) + ": " +
                                      done.err.substr(0, done.err.find('\n')));
        }
    }
    return Published{out.serial, true};
}

Result<std::uint32_t> FilePublisher::sign_now() {
    const auto lock = hold();
    DK_TRY(const std::vector<Record> managed, load_managed(options_.managed_file, options_.zone));
    DK_TRY(const Published done, sign_and_reload(managed, true));
    return done.serial;
}

Result<std::optional<std::uint32_t>> FilePublisher::refresh() {
    const auto lock = hold();
    DK_TRY(const std::vector<Record> managed, load_managed(options_.managed_file, options_.zone));
    DK_TRY(const Published done, sign_and_reload(managed, false));
    if (!done.written) return std::optional<std::uint32_t>{};
    return std::optional<std::uint32_t>{done.serial};
}

}  // namespace dk::zone::sign
