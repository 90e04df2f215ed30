// Canonical name order (RFC 4034 6.1, its own example list), label counts, presentation.
#include "zone/sign/names.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

WireName wire(const std::string& text) {
    auto w = wire_origin(text);
    EXPECT_TRUE(w.ok()) << text;
    return w.ok() ? *w : WireName();
}

// RFC 4034 6.1 lists these names in canonical order.
const std::vector<std::string> rfc4034_order = {
    "example.",   "a.example.",       "yljkjljk.a.example.", "Z.a.example.",     "zABC.a.EXAMPLE.",
    "z.example.", "\\001.z.example.", "*.z.example.",        "\\200.z.example.",
};

TEST(CanonicalOrder, Rfc4034ExampleByComparison) {
    for (std::size_t i = 0; i + 1 < rfc4034_order.size(); ++i) {
        const WireName a = wire(rfc4034_order[i]);
        const WireName b = wire(rfc4034_order[i + 1]);
        EXPECT_LT(compare_names(a, b), 0) << rfc4034_order[i] << " < " << rfc4034_order[i + 1];
        EXPECT_GT(compare_names(b, a), 0);
        EXPECT_EQ(compare_names(a, a), 0);
    }
}

TEST(CanonicalOrder, SortKeysGiveTheSameOrderAfterShuffling) {
    std::vector<std::string> shuffled = rfc4034_order;
    std::mt19937 rng(7);
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    std::sort(shuffled.begin(), shuffled.end(), [](const std::string& a, const std::string& b) {
        return canonical_key(wire(a)) < canonical_key(wire(b));
    });
    EXPECT_EQ(shuffled, rfc4034_order);
}

TEST(CanonicalOrder, CaseDoesNotMatter) {
    EXPECT_EQ(compare_names(wire("MX1.Example.TEST."), wire("mx1.example.test.")), 0);
    EXPECT_EQ(canonical_key(wire("MX1.Example.TEST.")), canonical_key(wire("mx1.example.test.")));
}

TEST(CanonicalOrder, ParentBeforeChildBeforeNextSibling) {
    // h5 < _25._tcp.h5 < h50: a name's subtree sorts right after it.
    const WireName h5 = wire("h5.bench.test.");
    const WireName tlsa = wire("_25._tcp.h5.bench.test.");
    const WireName h50 = wire("h50.bench.test.");
    EXPECT_LT(compare_names(h5, tlsa), 0);
    EXPECT_LT(compare_names(tlsa, h50), 0);
}

TEST(CanonicalOrder, ZeroAndOneBytesInLabels) {
    // "a" < "a\000" < "a\001" < "a\002" < "ab"
    const std::vector<std::string> names = {"a.t.", "a\\000.t.", "a\\001.t.", "a\\002.t.", "ab.t."};
    for (std::size_t i = 0; i + 1 < names.size(); ++i) {
        EXPECT_LT(canonical_key(wire(names[i])), canonical_key(wire(names[i + 1]))) << names[i];
        EXPECT_LT(compare_names(wire(names[i]), wire(names[i + 1])), 0) << names[i];
    }
}

TEST(Labels, CountsAndWildcards) {
    EXPECT_EQ(label_count(wire(".")), 0u);
    EXPECT_EQ(label_count(wire("example.test.")), 2u);
    EXPECT_EQ(rrsig_label_count(wire("_25._tcp.mx1.example.test.")), 5u);
    EXPECT_EQ(rrsig_label_count(wire("*.wild.example.test.")), 3u);  // RFC 4034 3.1.3
    EXPECT_TRUE(is_at_or_below(wire("a.b.example.test."), wire("example.test.")));
    EXPECT_TRUE(is_at_or_below(wire("example.test."), wire("EXAMPLE.test.")));
    EXPECT_FALSE(is_at_or_below(wire("badexample.test."), wire("example.test.")));
    EXPECT_FALSE(is_at_or_below(wire("test."), wire("example.test.")));
    EXPECT_EQ(parent_of(wire("a.example.test.")), wire("example.test."));
}

TEST(Presentation, EscapesSpecialAndUnprintableBytes) {
    EXPECT_EQ(name_to_text(wire("mx1.example.test.")), "mx1.example.test.");
    EXPECT_EQ(name_to_text(wire(".")), ".");
    EXPECT_EQ(name_to_text(wire("a\\.b.test.")), "a\\.b.test.");
    EXPECT_EQ(name_to_text(wire("\\001x.test.")), "\\001x.test.");
    EXPECT_EQ(name_to_text(wire("a\\032b.test.")), "a\\032b.test.");
}

}  // namespace
}  // namespace dk::zone::sign
