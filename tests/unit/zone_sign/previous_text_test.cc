// The previous signed file held as text (incremental signing's fast path) keeps exactly the
// signatures the full reader keeps: same counts for changed, added, removed and refreshed
// RRsets, none for a tampered RRSIG header or an RRset whose lines changed, the same file.
#include "zone/sign/previous_text.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "zone/sign/signed_zone.h"
#include "zone/sign/zone_reader.h"
#include "zone/sign/zone_writer.h"
#include "zone_sign/ldns_check.h"

namespace dk::zone::sign {
namespace {

const std::string base_text = R"($TTL 300
@        SOA ns1 hostmaster 1 7200 3600 1209600 60
         NS  ns1
ns1      A   192.0.2.1
mx1      A   192.0.2.2
         MX  10 mx1
www      A   192.0.2.4
         AAAA 2001:db8::4
sub      NS  ns.sub
ns.sub   A   192.0.2.9
_25._tcp.mx1 TLSA 3 1 1 0c019a2e059bcb663ac5fbb79c54a5345685821fc1459bae1c12ad543b397062
)";
const std::string origin = "example.test.";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at == std::string::npos) return text;
    return text.replace(at, from.size(), to);
}

// The line of `text` that contains `marker`, with its field `field` (tab, then space separated:
// 0 owner .. 4 the first RDATA word) replaced.
std::string replace_field(std::string text, const std::string& marker, std::size_t field,
                          const std::string& value) {
    const auto at = text.find(marker);
    EXPECT_NE(at, std::string::npos) << marker;
    if (at == std::string::npos) return text;
    std::size_t begin = text.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    for (std::size_t i = 0; i < field; ++i) begin = text.find_first_of("\t ", begin) + 1;
    const std::size_t end = text.find_first_of("\t \n", begin);
    return text.replace(begin, end - begin, value);
}

bool same_stats(const SignStats& a, const SignStats& b) {
    return a.rrsets == b.rrsets && a.signatures_made == b.signatures_made &&
           a.signatures_kept == b.signatures_kept && a.rrsets_resigned == b.rrsets_resigned &&
           a.denial_records == b.denial_records && a.denial_resigned == b.denial_resigned;
}

class PreviousTextTest : public ::testing::TestWithParam<Denial> {
  protected:
    PreviousTextTest() {
        options.denial = GetParam();
        keys = testing::two_keys(Algorithm::ed25519);
        Zone z = prepared(base_text);
        EXPECT_TRUE(sign_prepared(z, keys, options, nullptr, t0).ok());
        signed_text = zone_text(z);
    }

    Zone prepared(const std::string& text) {
        Zone z = testing::zone_from_text(text);
        EXPECT_TRUE(prepare_zone(z, keys, options).ok());
        return z;
    }

    // What the full reader keeps when `unsigned_text` is signed at `now` after `previous`.
    SignStats full_count(const std::string& previous, const std::string& unsigned_text,
                         TimePoint now) {
        ReadOptions read;
        read.origin = origin;
        auto records = read_zone_text(previous, read);
        EXPECT_TRUE(records.ok());
        const Zone before = signed_zone_from(*wire_origin(origin), std::move(*records));
        Zone z = prepared(unsigned_text);
        auto stats = sign_prepared(z, keys, options, &before, now, true);
        EXPECT_TRUE(stats.ok());
        return stats.ok() ? *stats : SignStats{};
    }

    SignStats text_count(const std::string& previous, const std::string& unsigned_text,
                         TimePoint now) {
        auto index = index_previous_text(previous, *wire_origin(origin));
        EXPECT_TRUE(index.has_value());
        if (!index) return {};
        Zone z = prepared(unsigned_text);
        auto stats = count_against_text(z, keys, options, *index, now);
        EXPECT_TRUE(stats.ok());
        return stats.ok() ? *stats : SignStats{};
    }

    // Both readers, which must agree; the counts.
    SignStats both(const std::string& previous, const std::string& unsigned_text, TimePoint now) {
        const SignStats full = full_count(previous, unsigned_text, now);
        const SignStats fast = text_count(previous, unsigned_text, now);
        EXPECT_TRUE(same_stats(full, fast))
            << "full kept " << full.signatures_kept << " made " << full.signatures_made
            << "; text kept " << fast.signatures_kept << " made " << fast.signatures_made;
        return fast;
    }

    const TimePoint t0 = testing::test_now();
    const TimePoint t1 = t0 + Seconds{3600};
    SignOptions options;
    KeySet keys;
    std::string signed_text;
};

TEST_P(PreviousTextTest, AgreesWithTheFullReaderOnWhatIsKept) {
    const SignStats same = both(signed_text, base_text, t1);
    EXPECT_EQ(same.signatures_made, 0u);
    EXPECT_EQ(same.signatures_kept, same.rrsets);
    EXPECT_EQ(both(signed_text, replace(base_text, "0c019a2e", "ffffffff"), t1).signatures_made,
              1u);
    EXPECT_GT(both(signed_text, base_text + "new A 192.0.2.7\n", t1).signatures_made, 1u);
    EXPECT_GT(both(signed_text, replace(base_text, "         AAAA 2001:db8::4\n", ""), t1)
                  .signatures_made,
              0u);
    EXPECT_GT(
        both(signed_text, replace(base_text, "mx1      A ", "mx1 600 A "), t1).signatures_made, 0u);
    // Late: everything is in the refresh window.
    const SignStats late = both(signed_text, base_text, t0 + Seconds{9 * 86400 + 1});
    EXPECT_EQ(late.signatures_made, late.rrsets);
    // A new ZSK: its DNSKEY was not in the previous file, nothing it signs is kept.
    keys.zone_signing = {*SigningKey::generate(Algorithm::ed25519, flag_zone_key)};
    const SignStats new_key = both(signed_text, base_text, t1);
    EXPECT_EQ(new_key.signatures_made, new_key.rrsets);
}

TEST_P(PreviousTextTest, ATamperedSignatureHeaderIsNotKept) {
    const std::string tlsa_sig = "\tRRSIG\tTLSA ";
    for (const auto& [field, value] :
         std::vector<std::pair<std::size_t, std::string>>{{5, "8"},                // algorithm
                                                          {6, "4"},                // labels
                                                          {7, "301"},              // original TTL
                                                          {10, "1"},               // key tag
                                                          {11, "other.test."}}) {  // signer
        const std::string tampered = replace_field(signed_text, tlsa_sig, field, value);
        EXPECT_EQ(both(tampered, base_text, t1).signatures_made, 1u) << "field " << field;
    }
    // Expiring within the refresh window, or not begun.
    const SignStats expiring =
        both(replace_field(signed_text, tlsa_sig, 8, std::to_string(unix_seconds(t1) + 3600)),
             base_text, t1);
    EXPECT_EQ(expiring.signatures_made, 1u);
    const SignStats not_begun =
        both(replace_field(signed_text, tlsa_sig, 9, std::to_string(unix_seconds(t1) + 60)),
             base_text, t1);
    EXPECT_EQ(not_begun.signatures_made, 1u);
    // A signature that is not base64 at all.
    EXPECT_EQ(text_count(replace_field(signed_text, tlsa_sig, 12, "not*base64"), base_text, t1)
                  .signatures_made,
              1u);
}

TEST_P(PreviousTextTest, AnRrsetWhoseLinesChangedIsNotKept) {
    // The file's TLSA differs from the one being signed: its signature is over other data.
    const std::string other = replace(signed_text, "0c019a2e", "0c019a2f");
    EXPECT_EQ(both(other, base_text, t1).signatures_made, 1u);
    // A record more in the file's RRset, or its TTL.
    const std::string www_aaaa = "www.example.test.\t300\tIN\tAAAA\t2001:db8::4\n";
    const std::string extra = replace(signed_text, www_aaaa,
                                      www_aaaa + "www.example.test.\t300\tIN\tAAAA\t2001:db8::5\n");
    EXPECT_EQ(both(extra, base_text, t1).signatures_made, 1u);
    const std::string ttl =
        replace(signed_text, www_aaaa, "www.example.test.\t301\tIN\tAAAA\t2001:db8::4\n");
    EXPECT_EQ(both(ttl, base_text, t1).signatures_made, 1u);
}

TEST_P(PreviousTextTest, OtherLayoutsAreLeftToTheFullReader) {
    const WireName o = *wire_origin(origin);
    EXPECT_TRUE(index_previous_text(signed_text, o).has_value());
    EXPECT_FALSE(index_previous_text("$ORIGIN example.test.\n" + signed_text, o).has_value());
    EXPECT_FALSE(index_previous_text("; comment\n" + signed_text, o).has_value());
    EXPECT_FALSE(
        index_previous_text(replace(signed_text, "www.example.test.\t", "www\t"), o).has_value());
    // The apex is not first, or an owner's lines are in two places.
    const std::string ns1 = "ns1.example.test.\t300\tIN\tA\t192.0.2.1\n";
    EXPECT_FALSE(index_previous_text(ns1 + signed_text, o).has_value());
    EXPECT_FALSE(index_previous_text(signed_text + ns1, o).has_value());
    // A line of another shape inside an owner's lines: that owner's signatures are not kept.
    const std::string spaced =
        replace(signed_text, "www.example.test.\t300\tIN\tA\t", "www.example.test.\t300 IN A\t");
    EXPECT_TRUE(index_previous_text(spaced, o).has_value());
    EXPECT_GE(text_count(spaced, base_text, t1).signatures_made, 2u);
}

TEST_P(PreviousTextTest, WritesTheSameFileAsTheFullReader) {
    char templ[] = "/tmp/dk-prevtext-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    const std::string changed = replace(base_text, "0c019a2e", "ffffffff") + "new A 192.0.2.7\n";
    ReadOptions read;
    read.origin = origin;
    const Zone before = signed_zone_from(*wire_origin(origin), *read_zone_text(signed_text, read));
    Zone a = prepared(changed);
    auto full = sign_to_file(a, keys, options, &before, t1, dir + "/full");
    ASSERT_TRUE(full.ok());
    const auto index = index_previous_text(signed_text, *wire_origin(origin));
    ASSERT_TRUE(index.has_value());
    Zone b = prepared(changed);
    auto fast = sign_to_file(b, keys, options, nullptr, t1, dir + "/text", &*index);
    ASSERT_TRUE(fast.ok());
    EXPECT_TRUE(same_stats(*full, *fast));
    EXPECT_GT(fast->signatures_kept, 0u);
    auto slurp = [](const std::string& path) {
        std::ostringstream s;
        s << std::ifstream(path).rdbuf();
        return s.str();
    };
    // Ed25519 signatures are deterministic: the same kept and new signatures, the same bytes.
    EXPECT_EQ(slurp(dir + "/full"), slurp(dir + "/text"));
    auto written = read_signed_zone_file(dir + "/text", read);
    ASSERT_TRUE(written.ok());
    std::size_t checked = 0;
    EXPECT_EQ(testing::verify_with_ldns(*written, t1, &checked), std::vector<std::string>{});
    EXPECT_EQ(checked, fast->signatures_made + fast->signatures_kept);
    std::filesystem::remove_all(dir);
}

// A kept RRSIG line is copied as it was, unless its TTL field is not the RRset's (an edited
// file): then it is written with the RRset's TTL. The file read in place (mapped) gives the same.
TEST_P(PreviousTextTest, AKeptLineTakesTheRrsetsTtlAndAMappedFileGivesTheSame) {
    char templ[] = "/tmp/dk-prevtext-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    const std::string dir = templ;
    const WireName o = *wire_origin(origin);
    auto sign_after = [&](std::optional<PreviousText> index, const std::string& out) {
        EXPECT_TRUE(index.has_value());
        if (!index) return SignStats{};
        Zone z = prepared(base_text);
        auto stats = sign_to_file(z, keys, options, nullptr, t1, dir + "/" + out, &*index);
        EXPECT_TRUE(stats.ok());
        return stats.ok() ? *stats : SignStats{};
    };
    auto slurp = [&](const std::string& name) {
        std::ostringstream s;
        s << std::ifstream(dir + "/" + name).rdbuf();
        return s.str();
    };
    const SignStats plain = sign_after(index_previous_text(signed_text, o), "plain");
    const std::string edited = replace_field(signed_text, "\tRRSIG\tTLSA ", 1, "301");
    ASSERT_NE(edited, signed_text);
    const SignStats retold = sign_after(index_previous_text(edited, o), "edited");
    std::ofstream(dir + "/previous") << signed_text;
    auto mapped = files::MappedFile::open(dir + "/previous", std::size_t{1} << 20);
    ASSERT_TRUE(mapped.ok());
    const SignStats in_place = sign_after(index_previous_text(std::move(*mapped), o), "mapped");
    EXPECT_EQ(plain.signatures_made, 0u);  // nothing changed: every signature kept
    EXPECT_EQ(plain.signatures_kept, plain.rrsets);
    EXPECT_TRUE(same_stats(plain, retold));
    EXPECT_TRUE(same_stats(plain, in_place));
    EXPECT_EQ(slurp("edited"), slurp("plain"));
    EXPECT_EQ(slurp("mapped"), slurp("plain"));
    EXPECT_EQ(slurp("plain").find("\t301\tIN\tRRSIG"), std::string::npos);
    std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Denial, PreviousTextTest, ::testing::Values(Denial::nsec, Denial::nsec3));

}  // namespace
}  // namespace dk::zone::sign
