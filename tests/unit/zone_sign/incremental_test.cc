// Incremental signing: a change re-signs exactly the changed RRsets and the NSEC/NSEC3 records
// whose links or bit maps change; everything else keeps its signature until the refresh window.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "zone/sign/sign_job.h"
#include "zone/sign/signed_zone.h"
#include "zone/sign/zone_reader.h"
#include "zone_sign/ldns_check.h"

namespace dk::zone::sign {
namespace {

const std::string base_text = R"($TTL 300
@        SOA ns1 hostmaster 1 7200 3600 1209600 60
         NS  ns1
ns1      A   192.0.2.1
mx1      A   192.0.2.2
mx2      A   192.0.2.3
www      A   192.0.2.4
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
)";
const std::string tlsa_mx1 =
    "_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062\n";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos);
    return text.replace(at, from.size(), to);
}

class Incremental : public ::testing::TestWithParam<Denial> {
  protected:
    Incremental() {
        options.denial = GetParam();
        keys = testing::two_keys(Algorithm::ed25519);
        before = sign(base_text, t0, nullptr);
    }

    Zone sign(const std::string& text, TimePoint now, const Zone* previous) {
        Zone z = testing::zone_from_text(text);
        EXPECT_TRUE(prepare_zone(z, keys, options).ok());
        auto s = sign_prepared(z, keys, options, previous, now);
        EXPECT_TRUE(s.ok());
        if (s.ok()) stats = *s;
        return z;
    }

    // NSEC or NSEC3 RRsets whose owner or content is not in `old`.
    std::size_t changed_denial(const Zone& now, const Zone& old) const {
        std::map<std::string, std::string> previous;
        auto collect = [](const Zone& z, std::map<std::string, std::string>& out) {
            for (const auto* nodes : {&z.nodes, &z.nsec3_nodes}) {
                for (const auto& n : *nodes) {
                    for (const auto& r : n.rrsets) {
                        if (r.type == type_nsec || r.type == type_nsec3)
                            out[n.name] = r.rdatas.bytes();
                    }
                }
            }
        };
        collect(old, previous);
        std::map<std::string, std::string> current;
        collect(now, current);
        std::size_t changed = 0;
        for (const auto& [name, rdata] : current) {
            auto it = previous.find(name);
            if (it == previous.end() || it->second != rdata) ++changed;
        }
        return changed;
    }

    void expect_valid(const Zone& z, TimePoint now) {
        std::size_t checked = 0;
        EXPECT_EQ(testing::verify_with_ldns(z, now, &checked), std::vector<std::string>{});
        EXPECT_EQ(checked, stats.signatures_made + stats.signatures_kept);
    }

    const TimePoint t0 = testing::test_now();
    SignOptions options;
    KeySet keys;
    SignStats stats;
    Zone before;
};

TEST_P(Incremental, NothingChangedNothingSigned) {
    const Zone after = sign(base_text, t0 + Seconds{3600}, &before);
    EXPECT_EQ(stats.signatures_made, 0u);
    EXPECT_EQ(stats.signatures_kept, stats.rrsets);
    expect_valid(after, t0 + Seconds{3600});
}

TEST_P(Incremental, ChangingOneTlsaResignsExactlyThatRrset) {
    const std::string text = replace(base_text, "0c019a2e", "ffffffff");
    const Zone after = sign(text, t0 + Seconds{3600}, &before);
    EXPECT_EQ(stats.signatures_made, 1u);
    EXPECT_EQ(stats.rrsets_resigned, 1u);
    EXPECT_EQ(stats.denial_resigned, 0u);
    EXPECT_EQ(changed_denial(after, before), 0u);
    const Rrset* tlsa = after.find(*wire_origin("_25._tcp.mx1.example.test."))->find(type_tlsa);
    const Rrset* old = before.find(*wire_origin("_25._tcp.mx1.example.test."))->find(type_tlsa);
    EXPECT_NE(tlsa->sigs, old->sigs);
    EXPECT_EQ(after.apex().find(type_soa)->sigs, before.apex().find(type_soa)->sigs);
    expect_valid(after, t0 + Seconds{3600});
}

TEST_P(Incremental, AddingAnOwnerResignsItAndTheDenialRecordsWhoseLinksChange) {
    const std::string text = base_text + replace(tlsa_mx1, "mx1", "mx2");
    const Zone after = sign(text, t0 + Seconds{3600}, &before);
    const std::size_t changed = changed_denial(after, before);
    // NSEC: the new name's NSEC and mx2's (its next name). NSEC3: the new name and its empty
    // parent _tcp.mx2, and the hash before each (one of them, when the two are neighbours).
    if (GetParam() == Denial::nsec) {
        EXPECT_EQ(changed, 2u);
    } else {
        EXPECT_GE(changed, 3u);
        EXPECT_LE(changed, 4u);
    }
    EXPECT_EQ(stats.denial_resigned, changed);
    EXPECT_EQ(stats.signatures_made, 1u + changed);
    expect_valid(after, t0 + Seconds{3600});
}

TEST_P(Incremental, RemovingAnOwnerResignsOnlyTheLinksAroundIt) {
    const std::string text = replace(base_text, tlsa_mx1, "");
    const Zone after = sign(text, t0 + Seconds{3600}, &before);
    const std::size_t changed = changed_denial(after, before);
    // NSEC: mx1's next name. NSEC3: the names before the two that went (_tcp.mx1 as well).
    EXPECT_GE(changed, 1u);
    EXPECT_LE(changed, GetParam() == Denial::nsec ? 1u : 2u);
    EXPECT_EQ(stats.denial_resigned, changed);
    EXPECT_EQ(stats.signatures_made, changed);
    expect_valid(after, t0 + Seconds{3600});
}

TEST_P(Incremental, RefreshRemakesSignaturesInTheRefreshWindowOnly) {
    // Expirations lie in [t0 + 14 d - 12 h, t0 + 14 d]; kept while more than 5 d are left.
    sign(base_text, t0 + Seconds{86400}, &before);
    EXPECT_EQ(stats.signatures_made, 0u);
    sign(base_text, t0 + Seconds{9 * 86400 - 12 * 3600 - 1}, &before);
    EXPECT_EQ(stats.signatures_made, 0u);
    const Zone late = sign(base_text, t0 + Seconds{9 * 86400 + 1}, &before);
    EXPECT_EQ(stats.signatures_made, stats.rrsets);
    expect_valid(late, t0 + Seconds{9 * 86400 + 1});
    sign(base_text, t0 + Seconds{9 * 86400 - 6 * 3600}, &before);
    EXPECT_GT(stats.signatures_made, 0u);
    EXPECT_LT(stats.signatures_made, stats.rrsets);
}

TEST_P(Incremental, ANewZoneSigningKeyResignsTheZoneButNotTheDnskeySetTwice) {
    keys.zone_signing = {*SigningKey::generate(Algorithm::ed25519, flag_zone_key)};
    const Zone after = sign(base_text, t0 + Seconds{3600}, &before);
    // The DNSKEY RRset changed too (new key in it): every RRset is signed again.
    EXPECT_EQ(stats.signatures_made, stats.rrsets);
    expect_valid(after, t0 + Seconds{3600});
}

INSTANTIATE_TEST_SUITE_P(Denial, Incremental, ::testing::Values(Denial::nsec, Denial::nsec3));

// Through the file: sign, read the signed file back, keep its signatures.
TEST(SignJob, RereadsItsSignedFileAndBumpsTheSerial) {
    char templ[] = "/tmp/dk-signjob-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    std::ofstream(dir + "/zone.db") << base_text;
    SignJob job;
    job.unsigned_file = dir + "/zone.db";
    job.signed_file = dir + "/zone.db.signed";
    job.origin = "example.test";
    job.keys = testing::two_keys(Algorithm::ecdsap256sha256);
    job.serial_policy = SerialPolicy::increment;
    job.skip_when_current = true;
    const TimePoint t0 = testing::test_now();
    auto first = run_sign_job(job, t0);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_TRUE(first->written);
    EXPECT_EQ(first->serial, 2u);
    auto again = run_sign_job(job, t0 + Seconds{60});
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->written);  // nothing changed, nothing due
    job.managed.push_back(*parse_record(replace(tlsa_mx1, "mx1", "mx2"), "example.test."));
    auto changed = run_sign_job(job, t0 + Seconds{120});
    ASSERT_TRUE(changed.ok());
    EXPECT_TRUE(changed->written);
    EXPECT_EQ(changed->serial, 3u);
    EXPECT_TRUE(changed->had_previous);
    // The TLSA, the SOA (new serial), the new NSEC and mx2's NSEC.
    EXPECT_EQ(changed->stats.signatures_made, 4u);
    ReadOptions read;
    read.origin = "example.test";
    auto written = read_signed_zone_file(job.signed_file, read);
    ASSERT_TRUE(written.ok());
    std::size_t checked = 0;
    EXPECT_EQ(testing::verify_with_ldns(*written, t0 + Seconds{120}, &checked),
              std::vector<std::string>{});
    EXPECT_EQ(checked, changed->stats.signatures_made + changed->stats.signatures_kept);
    std::filesystem::remove_all(dir);
}

// A signed file as comparable text: every line but the RRSIGs (whose signatures differ at each
// signing) and the SOA (whose serial does), and of the RRSIGs, owner, covered type and key tag.
std::multiset<std::string> comparable_lines(const std::string& path) {
    std::ifstream in(path);
    std::multiset<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string owner, ttl, klass, type, covered, algorithm, labels, original_ttl, expiration,
            inception, tag;
        fields >> owner >> ttl >> klass >> type;
        if (type == "SOA") continue;
        if (type != "RRSIG") {
            out.insert(line);
            continue;
        }
        fields >> covered >> algorithm >> labels >> original_ttl >> expiration >> inception >> tag;
        out.insert(owner + " RRSIG " + covered + " " + tag);
    }
    return out;
}

// A signed file as text with the signature field of each RRSIG taken out: two incremental
// signings that keep and make the same signatures read the same.
std::string without_signatures(const std::string& path) {
    std::ifstream in(path);
    std::string out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("\tRRSIG\t") != std::string::npos) line = line.substr(0, line.rfind(' '));
        out += line + "\n";
    }
    return out;
}

// Seeded random edits of the unsigned file (a TLSA changed or removed, an owner added, a TTL
// changed), each signed incrementally from the last output, with the records already parsed
// every other time (as the signed-file publisher does), and from scratch: the same zone. A third
// signing goes through the blocks a publisher keeps (KeptSigning, blocks of 8 owners): it must
// keep and make exactly the signatures the comparison with the file makes, and take unchanged
// blocks as they were. Round 6 replaces its file behind its back with one signed at another time
// (the blocks are dropped; it then goes on as a comparison from that file does), round 9 jumps
// into the refresh window (blocks with signatures due are signed again).
TEST(SignJob, RandomChangesSignedIncrementallyEqualASigningFromScratch) {
    char templ[] = "/tmp/dk-signjob-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    std::vector<std::string> lines = {"$TTL 300", "@ SOA ns1 hostmaster 1 7200 3600 1209600 60",
                                      "  NS ns1", "ns1 A 192.0.2.1"};
    std::mt19937 random(19);
    const auto hex = [&] {
        static const char digits[] = "0123456789abcdef";
        std::string h;
        for (int i = 0; i < 64; ++i) h.push_back(digits[random() % 16]);
        return h;
    };
    int next_owner = 0;
    const auto add_owner = [&] {
        const std::string n = "h" + std::to_string(next_owner++);
        lines.push_back(n + " A 10.0.0." + std::to_string(next_owner % 250));
        lines.push_back("_25._tcp." + n + " TLSA 3 1 1 " + hex());
    };
    for (int i = 0; i < 40; ++i) add_owner();
    SignJob inc;
    inc.unsigned_file = dir + "/zone.db";
    inc.signed_file = dir + "/inc.signed";
    inc.origin = "example.test";
    inc.keys = testing::two_keys(Algorithm::ecdsap256sha256);
    inc.serial_policy = SerialPolicy::increment;
    inc.options.block_nodes = 8;
    SignJob full = inc;
    full.signed_file = dir + "/full.signed";
    full.reuse_previous = false;
    SignJob kept_job = inc;
    kept_job.signed_file = dir + "/kept.signed";
    KeptSigning kept;
    kept_job.kept = &kept;
    // From round 6, when the kept job's file is replaced, it goes on from there as `ref` does.
    SignJob ref = inc;
    ref.signed_file = dir + "/ref.signed";
    std::size_t taken = 0;
    const TimePoint t0 = testing::test_now();
    for (int round = 0; round < 12; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        if (round > 0) {
            for (int edit = 0; edit < 3; ++edit) {
                const std::size_t at = 4 + random() % (lines.size() - 4);
                switch (random() % 4) {
                    case 0:  // a TLSA changed (or an A, where the line is one)
                        if (lines[at].find(" TLSA ") != std::string::npos)
                            lines[at] = lines[at].substr(0, lines[at].find(" TLSA ")) +
                                        " TLSA 3 1 1 " + hex();
                        else
                            lines[at] += "\n" + lines[at].substr(0, lines[at].find(' ')) +
                                         " A 192.0.2." + std::to_string(10 + round);
                        break;
                    case 1:
                        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at));
                        break;
                    case 2:
                        add_owner();
                        break;
                    default:  // a TTL of its own
                        lines[at] = lines[at].substr(0, lines[at].find(' ')) + " 120" +
                                    lines[at].substr(lines[at].find(' '));
                        break;
                }
            }
        }
        std::ofstream out(dir + "/zone.db");
        for (const auto& l : lines) out << l << "\n";
        out.close();
        ReadOptions read;
        read.origin = "example.test";
        auto parsed = read_zone_file(dir + "/zone.db", read);
        ASSERT_TRUE(parsed.ok()) << parsed.error().message;
        inc.unsigned_records = round % 2 == 1 ? &*parsed : nullptr;
        kept_job.unsigned_records = inc.unsigned_records;
        const TimePoint now = t0 + Seconds{60 * round + (round >= 9 ? 8 * 86400 + 18 * 3600 : 0)};
        if (round == 6) {
            // Signed at another time than the kept blocks: their expirations differ.
            for (const auto& to : {kept_job.signed_file, ref.signed_file})
                std::filesystem::copy_file(full.signed_file, to,
                                           std::filesystem::copy_options::overwrite_existing);
        }
        auto a = run_sign_job(inc, now);
        ASSERT_TRUE(a.ok()) << a.error().message;
        auto k = run_sign_job(kept_job, now);
        ASSERT_TRUE(k.ok()) << k.error().message;
        const SignJob& like = round < 6 ? inc : ref;
        auto r = round < 6 ? a : run_sign_job(ref, now);
        ASSERT_TRUE(r.ok()) << r.error().message;
        EXPECT_EQ(k->stats.signatures_made, r->stats.signatures_made);
        EXPECT_EQ(k->stats.signatures_kept, r->stats.signatures_kept);
        EXPECT_EQ(k->stats.rrsets_resigned, r->stats.rrsets_resigned);
        EXPECT_EQ(without_signatures(kept_job.signed_file), without_signatures(like.signed_file));
        if (round == 0 || round == 6) {
            EXPECT_EQ(k->blocks_taken, 0u);
        }
        taken += k->blocks_taken;
        auto kept_written = read_signed_zone_file(kept_job.signed_file, read);
        ASSERT_TRUE(kept_written.ok());
        std::size_t kept_checked = 0;
        EXPECT_EQ(testing::verify_with_ldns(*kept_written, now, &kept_checked),
                  std::vector<std::string>{});
        EXPECT_EQ(kept_checked, k->stats.signatures_made + k->stats.signatures_kept);
        auto b = run_sign_job(full, now);
        ASSERT_TRUE(b.ok()) << b.error().message;
        EXPECT_EQ(a->stats.signatures_made + a->stats.signatures_kept, b->stats.signatures_made);
        if (round > 0) {
            EXPECT_GT(a->stats.signatures_kept, 0u);
            EXPECT_LT(a->stats.signatures_made, b->stats.signatures_made);
        }
        EXPECT_EQ(comparable_lines(inc.signed_file), comparable_lines(full.signed_file));
        auto written = read_signed_zone_file(inc.signed_file, read);
        ASSERT_TRUE(written.ok());
        std::size_t checked = 0;
        EXPECT_EQ(testing::verify_with_ldns(*written, now, &checked), std::vector<std::string>{});
        EXPECT_EQ(checked, b->stats.signatures_made);
    }
    EXPECT_GT(taken, 0u);
    std::filesystem::remove_all(dir);
}

// The daemon's path: the unsigned records stay the same (one parse) and our records change at
// random (a TLSA added at an owner that has one, one of ours removed, a TTL of ours changed, an
// owner of ours added or emptied). Each signing through the zone kept prepared with the blocks
// it wrote (changed in place where no owner or type comes or goes, prepared anew otherwise)
// equals a signing from scratch and keeps and makes what a comparison with the file does.
TEST(SignJob, OurRecordsChangedThroughTheKeptZoneEqualASigningFromScratch) {
    char templ[] = "/tmp/dk-signjob-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    std::mt19937 random(23);
    const auto hex = [&] {
        static const char digits[] = "0123456789abcdef";
        std::string h;
        for (int i = 0; i < 64; ++i) h.push_back(digits[random() % 16]);
        return h;
    };
    {
        std::ofstream out(dir + "/zone.db");
        out << "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n  NS ns1\nns1 A 192.0.2.1\n";
        for (int i = 0; i < 40; ++i)
            out << "h" << i << " A 10.0.0." << i << "\n_25._tcp.h" << i << " TLSA 3 1 1 " << hex()
                << "\n";
    }
    ReadOptions read;
    read.origin = "example.test";
    auto parsed = read_zone_file(dir + "/zone.db", read);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message;
    SignJob kept_job;
    kept_job.unsigned_file = dir + "/zone.db";
    kept_job.unsigned_records = &*parsed;
    kept_job.unsigned_generation = 1;
    kept_job.signed_file = dir + "/kept.signed";
    kept_job.origin = "example.test";
    kept_job.keys = testing::two_keys(Algorithm::ecdsap256sha256);
    kept_job.serial_policy = SerialPolicy::increment;
    kept_job.options.block_nodes = 8;
    KeptSigning kept;
    kept_job.kept = &kept;
    SignJob compared = kept_job;  // keeps signatures by comparing with its file
    compared.kept = nullptr;
    compared.signed_file = dir + "/compared.signed";
    SignJob full = compared;
    full.signed_file = dir + "/full.signed";
    full.reuse_previous = false;
    std::vector<Record> managed;
    const auto record = [&](const std::string& text) {
        auto r = parse_record(text, "example.test.");
        EXPECT_TRUE(r.ok()) << text;
        return r.ok() ? *r : Record{};
    };
    std::size_t in_place = 0;
    std::size_t prepared_anew = 0;
    const TimePoint t0 = testing::test_now();
    for (int round = 0; round < 16; ++round) {
        SCOPED_TRACE("round " + std::to_string(round));
        if (round > 0) {
            const std::string n = std::to_string(random() % 40);
            switch (random() % 5) {
                case 0:
                case 1:
                    managed.push_back(record("_25._tcp.h" + n + " 300 IN TLSA 3 1 1 " + hex()));
                    break;
                case 2:
                    if (!managed.empty())
                        managed.erase(managed.begin() + random() % managed.size());
                    break;
                case 3:
                    if (!managed.empty()) managed[random() % managed.size()].ttl = 120;
                    break;
                default:  // an owner of ours: added, or its last record removed
                    if (std::erase_if(managed,
                                      [&](const Record& r) { return r.type == type_txt; }) == 0)
                        managed.push_back(record("_acme-challenge.h" + n + " 60 IN TXT \"t\""));
                    break;
            }
        }
        kept_job.managed = managed;
        compared.managed = managed;
        full.managed = managed;
        const std::size_t updates_before = kept.prepared ? kept.prepared->updates : 0;
        const TimePoint now = t0 + Seconds{60 * round};
        auto k = run_sign_job(kept_job, now);
        ASSERT_TRUE(k.ok()) << k.error().message;
        ASSERT_TRUE(kept.prepared.has_value());
        if (round > 0) {
            if (kept.prepared->updates > updates_before)
                ++in_place;
            else
                ++prepared_anew;
        }
        auto c = run_sign_job(compared, now);
        ASSERT_TRUE(c.ok()) << c.error().message;
        auto f = run_sign_job(full, now);
        ASSERT_TRUE(f.ok()) << f.error().message;
        EXPECT_EQ(k->serial, c->serial);
        EXPECT_EQ(k->stats.signatures_made, c->stats.signatures_made);
        EXPECT_EQ(k->stats.signatures_kept, c->stats.signatures_kept);
        EXPECT_EQ(comparable_lines(kept_job.signed_file), comparable_lines(full.signed_file));
        auto written = read_signed_zone_file(kept_job.signed_file, read);
        ASSERT_TRUE(written.ok());
        std::size_t checked = 0;
        EXPECT_EQ(testing::verify_with_ldns(*written, now, &checked), std::vector<std::string>{});
        EXPECT_EQ(checked, f->stats.signatures_made);
    }
    EXPECT_GT(in_place, 5u);
    EXPECT_GT(prepared_anew, 0u);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dk::zone::sign
