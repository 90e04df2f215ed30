// danekeeper sign: signs a zone file once, with keys in BIND's K<zone>+<alg>+<tag> format (the
// same files ldns-signzone and dnssec-signzone take), by the signer the signed-file publisher
// uses.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "base/endpoint.h"
#include "cli/handlers.h"
#include "cli/verb_options.h"
#include "zone/sign/key_files.h"
#include "zone/sign/record_text.h"
#include "zone/sign/sign_job.h"

namespace dk::cli {
namespace {

struct SignArgs {
    zone::sign::SignJob job;
    bool json = false;
};

Result<int> positive(const cxxopts::ParseResult& opts, const char* name, int max) {
    const int v = opts[name].as<int>();
    if (v < 0 || v > max)
        return Error::bad_input("sign: --" + std::string(name) + " must be 0.." +
                                std::to_string(max));
    return v;
}

void add_sign_options(VerbOptions& options) {
    options.add()("origin", "the zone (default: the file name)", cxxopts::value<std::string>())(
        "keys", "directory with K<zone>+<alg>+<tag>.key/.private", cxxopts::value<std::string>())(
        "o,output", "signed file (default: ZONEFILE.signed)", cxxopts::value<std::string>())(
        "nsec3", "NSEC3 (RFC 9276: no extra iterations, no salt, no opt-out) instead of NSEC")(
        "validity-days", "signature validity", cxxopts::value<int>()->default_value("14"))(
        "refresh-days", "re-sign signatures with less left than this",
        cxxopts::value<int>()->default_value("5"))("jitter-hours", "spread of expirations",
                                                   cxxopts::value<int>()->default_value("12"))(
        "serial", "unixtime or increment",
        cxxopts::value<std::string>()->default_value("unixtime"))(
        "incremental", "keep valid signatures of unchanged RRsets from the output file")(
        "threads", "signing threads (0: every core)", cxxopts::value<int>()->default_value("0"));
    options.json().positional("ZONEFILE");
}

Result<SignArgs> parse_sign_args(const VerbOptions& options) {
    const cxxopts::ParseResult& opts = options.result();
    const auto files = options.words();
    if (files.size() != 1) return Error::bad_input("sign: give exactly one ZONEFILE");
    if (opts.count("keys") == 0) return Error::bad_input("sign: --keys DIR is required");
    SignArgs args;
    auto& job = args.job;
    job.unsigned_file = files.front();
    job.origin = opts.count("origin") != 0
                     ? opts["origin"].as<std::string>()
                     : job.unsigned_file.substr(job.unsigned_file.rfind('/') + 1);
    if (!is_domain_name(job.origin))
        return Error::bad_input("sign: --origin: '" + job.origin + "' is not a domain name");
    job.signed_file = opts.count("output") != 0 ? opts["output"].as<std::string>()
                                                : job.unsigned_file + ".signed";
    job.options.denial =
        opts.count("nsec3") != 0 ? zone::sign::Denial::nsec3 : zone::sign::Denial::nsec;
    DK_TRY(const int validity, positive(opts, "validity-days", 3650));
    DK_TRY(const int refresh, positive(opts, "refresh-days", 3650));
    DK_TRY(const int jitter, positive(opts, "jitter-hours", 24 * 3650));
    DK_TRY(const int threads, positive(opts, "threads", 256));
    if (validity < 1 || refresh >= validity)
        return Error::bad_input("sign: --refresh-days must be below --validity-days (>= 1)");
    job.options.validity = Seconds{validity * 86400LL};
    job.options.refresh = Seconds{refresh * 86400LL};
    job.options.jitter = Seconds{jitter * 3600LL};
    job.options.threads = static_cast<unsigned>(threads);
    auto policy = zone::sign::parse_serial_policy(opts["serial"].as<std::string>());
    if (!policy) return Error::bad_input("sign: --serial must be unixtime or increment");
    job.serial_policy = *policy;
    job.reuse_previous = opts.count("incremental") != 0;
    DK_TRY(const auto dir,
           zone::sign::load_key_directory(opts["keys"].as<std::string>(), job.origin));
    job.keys = zone::sign::key_set_from(dir);
    args.json = opts.count("json") != 0;
    return args;
}

void print(const SignArgs& args, const zone::sign::SignOutcome& out) {
    const auto& s = out.stats;
    if (args.json) {
        nlohmann::json j{{"zone", args.job.origin},
                         {"output", args.job.signed_file},
                         {"serial", out.serial},
                         {"rrsets", s.rrsets},
                         {"signatures_made", s.signatures_made},
                         {"signatures_kept", s.signatures_kept},
                         {"rrsets_resigned", s.rrsets_resigned},
                         {"denial_records", s.denial_records},
                         {"denial_resigned", s.denial_resigned},
                         {"read_ms", out.read_time.count()},
                         {"sign_and_write_ms", out.sign_time.count()}};
        std::printf("%s\n", j.dump().c_str());
        return;
    }
    std::printf(
        "signed %s serial %u: %zu RRsets, %zu signatures made, %zu kept, %zu %s records "
        "(%zu re-signed) -> %s (read %lld ms, sign and write %lld ms)\n",
        args.job.origin.c_str(), out.serial, s.rrsets, s.signatures_made, s.signatures_kept,
        s.denial_records, args.job.options.denial == zone::sign::Denial::nsec3 ? "NSEC3" : "NSEC",
        s.denial_resigned, args.job.signed_file.c_str(),
        static_cast<long long>(out.read_time.count()),
        static_cast<long long>(out.sign_time.count()));
}

}  // namespace

int run_sign(const Invocation& invocation) {
    VerbOptions options(invocation, "Sign a zone file with keys from a directory");
    add_sign_options(options);
    if (auto stop = options.parse()) return *stop;
    auto args = parse_sign_args(options);
    if (!args.ok()) return fail(args.error());
    auto out = zone::sign::run_sign_job(args->job, SystemClock().now());
    if (!out.ok()) return fail(out.error());
    print(*args, *out);
    return 0;
}

}  // namespace dk::cli
