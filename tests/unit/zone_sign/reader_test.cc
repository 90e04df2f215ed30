// Reading zone files: every problem names SOURCE:LINE, the fast path for plain records gives
// exactly what ldns gives, directives and multi-line records, and big files read in parts.
#include <gtest/gtest.h>

#include "base/ldns_handles.h"
#include "zone/sign/names.h"
#include "zone/sign/simple_record.h"
#include "zone/sign/zone_reader.h"

namespace dk::zone::sign {
namespace {

Result<std::vector<Record>> read(const std::string& text, unsigned threads = 1) {
    ReadOptions o;
    o.source = "zone.db";
    o.origin = "example.test";
    o.threads = threads;
    return read_zone_text(text, o);
}

std::string error_of(const std::string& text, unsigned threads = 1) {
    auto r = read(text, threads);
    EXPECT_FALSE(r.ok()) << text;
    if (r.ok()) return "";
    EXPECT_EQ(r.error().kind, ErrorKind::bad_input);
    return r.error().message;
}

const std::string head = "$TTL 300\n@ SOA ns1 host 1 2 3 4 5\n";

TEST(ZoneReader, BadRdataNamesItsLine) {
    EXPECT_TRUE(error_of(head + "\n; comment\nwww A 1.2.3\n").starts_with("zone.db:5: "))
        << error_of(head + "\n; comment\nwww A 1.2.3\n");
}

TEST(ZoneReader, UnknownTypeNamesItsLine) {
    EXPECT_TRUE(error_of(head + "www FOO 1\n").starts_with("zone.db:3: "));
}

// ldns takes "TYPE70000" without a range check (see ldns::type_and_class_fit).
TEST(ZoneReader, ATypeOrClassNumberBeyondSixteenBitsIsRefused) {
    EXPECT_EQ(error_of(head + "www TYPE70000 \\# 0\n"),
              "zone.db:3: a type or class number beyond 65535");
    EXPECT_EQ(error_of(head + "www CLASS70000 TXT \"x\"\n"),
              "zone.db:3: a type or class number beyond 65535");
}

TEST(ZoneReader, MultiLineRecordErrorsNameTheFirstLine) {
    const std::string text = head + "mail MX ( 10\n   mx1 )\nbad TLSA ( 3 1 1\n  zz )\n";
    EXPECT_TRUE(error_of(text).starts_with("zone.db:5: ")) << error_of(text);
}

TEST(ZoneReader, UnbalancedParenthesisIsRefused) {
    EXPECT_TRUE(error_of(head + "mail MX ( 10 mx1\n").starts_with("zone.db:3: "));
    EXPECT_TRUE(error_of(head + "mail MX 10 mx1 )\n").starts_with("zone.db:3: "));
}

TEST(ZoneReader, IncludeIsRefused) {
    const std::string e = error_of(head + "$INCLUDE other.db\n");
    EXPECT_EQ(e, "zone.db:3: $INCLUDE is not supported");
}

TEST(ZoneReader, OwnerOutsideTheZoneIsRefused) {
    EXPECT_EQ(error_of(head + "www.example.org. A 192.0.2.1\n"),
              "zone.db:3: owner www.example.org. is outside the zone example.test.");
    EXPECT_TRUE(error_of(head + "$ORIGIN other.\nwww A 192.0.2.1\n").starts_with("zone.db:4: "));
}

TEST(ZoneReader, OtherClassesAreRefused) {
    EXPECT_EQ(error_of(head + "www CH TXT \"x\"\n"), "zone.db:3: class is not IN");
}

TEST(ZoneReader, DirectivesTtlAndPreviousOwner) {
    auto r = read(
        "$TTL 1h\n@ SOA ns1 host 1 2 3 4 5\n NS ns1\n$ORIGIN sub\nwww 60 A 192.0.2.1\n"
        "    AAAA 2001:db8::1\n");
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->size(), 4u);
    EXPECT_EQ((*r)[0].ttl, 3600u);
    EXPECT_EQ((*r)[1].type, type_ns);
    EXPECT_EQ((*r)[1].owner, *wire_origin("example.test"));
    EXPECT_EQ((*r)[2].owner, *wire_origin("www.sub.example.test"));  // relative $ORIGIN
    EXPECT_EQ((*r)[2].ttl, 60u);
    EXPECT_EQ((*r)[3].owner, (*r)[2].owner);
    EXPECT_EQ((*r)[3].ttl, 3600u);  // $TTL, not the previous record's
    EXPECT_EQ((*r)[3].line, 6u);
}

TEST(ZoneReader, WithoutDollarTtlTheLastTtlCarriesOn) {
    auto r = read("@ 120 SOA ns1 host 1 2 3 4 5\nwww A 192.0.2.1\n");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ((*r)[1].ttl, 120u);
}

// The fast path must give byte for byte what ldns gives for the same line.
class FastPath : public ::testing::TestWithParam<std::string> {};

TEST_P(FastPath, EqualsLdns) {
    const WireName origin = *wire_origin("example.test");
    Record fast;
    ASSERT_TRUE(parse_simple_record(GetParam(), origin, origin, 300, fast)) << GetParam();
    auto slow = parse_record(GetParam(), "example.test");
    ASSERT_TRUE(slow.ok()) << slow.error().message;
    EXPECT_EQ(fast.owner, slow->owner);
    EXPECT_EQ(fast.type, slow->type);
    EXPECT_EQ(fast.rdata, slow->rdata) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(
    PlainRecords, FastPath,
    ::testing::Values(
        "www 300 IN A 192.0.2.1", "WWW.Example.Test. 300 IN AAAA 2001:DB8::1",
        "@ 300 NS ns1.example.org.", "alias 300 CNAME www", "mail 300 MX 10 MX1",
        "_25._tcp.mx1 300 TLSA 3 1 1 "
        "0C019A2E059BCB663AC5FBB79C54A5345685821FC1459BAE1C12AD543B397062",
        "k 300 TLSA 2 0 1 0c019a2e 059bcb66", "*.wild 300 A 192.0.2.9",
        "@ 300 SOA ns1 hostmaster 2024010101 7200 3600 1209600 300",
        "@ 300 DNSKEY 257 3 15 l02Woi0iS8Aa25FQkUd9RMzZHJpBoRQwAQEX1SxZJA4=",
        "sub 300 DS 3613 15 2 3aa5ab37efce57f737fc1627013fee07bdf241bd10f3b1964ab55c78e79a304b",
        "www 300 RRSIG A 13 3 300 20261208065032 20261124110919 64016 example.test. "
        "y104ZSq5tpEsdhEalvFMU9omkAmxVCqM1eyMXcDhgqqiVSs8EpiezUh2qAICHPhjliGpQNQcTqQRV/ewfKXa6w==",
        "www 300 NSEC _25._tcp.www.example.test. A RRSIG NSEC",
        "@ 300 NSEC www.example.test. NS SOA MX TXT RRSIG NSEC DNSKEY TYPE65534",
        "1q5ilvgr8q70npdviiv4437mffik79a2 300 NSEC3 1 0 0 - 2UHE1GKOV47ANAKLLHMM053JT60E4S43 A "
        "RRSIG",
        "@ 300 NSEC3PARAM 1 0 0 -", "@ 300 NSEC3PARAM 1 0 12 aabbccdd"));

TEST(FastPathLeaves, AnythingUnusualToLdns) {
    const WireName origin = *wire_origin("example.test");
    Record r;
    for (const char* line : {"www 1h A 192.0.2.1", "www 300 A 192.0.2", "www 300 TXT hello",
                             "w\\.x 300 A 192.0.2.1", "www 300 CH A 1", "www 300 TLSA 3 1 1 abc"}) {
        EXPECT_FALSE(parse_simple_record(line, origin, origin, 300, r)) << line;
    }
}

// A file over 1 MiB is read in parts by two threads; the records and the error lines are the
// same as reading it whole.
std::string big_zone(std::size_t bad_at) {
    std::string text = head;
    for (std::size_t i = 0; i < 40000; ++i) {
        text += "h" + std::to_string(i) + " A 10.0." + std::to_string((i >> 8) & 255) + "." +
                std::to_string(i & 255) + "\n";
        if (i == bad_at) text += "broken ( A\n 10.0.0 )\n";
    }
    return text;
}

TEST(ZoneReader, PartsGiveWhatOneReaderGives) {
    const std::string text = big_zone(static_cast<std::size_t>(-1));
    ASSERT_GT(text.size(), 1024u * 1024u / 2);
    std::string doubled = text;
    for (std::size_t i = 40000; i < 80000; ++i)
        doubled += "x" + std::to_string(i) + " TXT \"a;b\" ( \"c\" )\n";
    auto one = read(doubled, 1);
    auto two = read(doubled, 2);
    ASSERT_TRUE(one.ok() && two.ok());
    ASSERT_EQ(one->size(), two->size());
    for (std::size_t i = 0; i < one->size(); ++i) {
        ASSERT_EQ((*one)[i].owner, (*two)[i].owner) << i;
        ASSERT_EQ((*one)[i].rdata, (*two)[i].rdata) << i;
        ASSERT_EQ((*one)[i].line, (*two)[i].line) << i;
    }
}

TEST(ZoneReader, ErrorLateInABigFileNamesItsLine) {
    std::string text = big_zone(35000);
    for (std::size_t i = 0; i < 30000; ++i) text += "y" + std::to_string(i) + " A 10.1.0.1\n";
    // head is 2 lines; h0..h35000 are lines 3..35003; the broken record starts on line 35004.
    EXPECT_TRUE(error_of(text, 2).starts_with("zone.db:35004: ")) << error_of(text, 2);
    EXPECT_EQ(error_of(text, 2), error_of(text, 1));
}

// A big zone out of order (sorted in two halves on two cores and merged): every owner once, in
// canonical order, each RRset's records sorted and without duplicates.
TEST(BuildZone, BigZoneOutOfOrderComesOutCanonical) {
    std::string text = "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n";
    for (int i = 40000; i-- > 0;) {
        text += "h" + std::to_string(i) + " A 10.0." + std::to_string(i % 250) + ".1\n";
        text += "h" + std::to_string(i) + " A 10.0.0.1\n";
        text += "h" + std::to_string(i) + " A 10.0.0.1\n";  // a duplicate
    }
    auto records = read(text);
    ASSERT_TRUE(records.ok());
    ASSERT_GT(records->size(), 65536u);
    const Zone zone = build_zone(*wire_origin("example.test"), std::move(*records));
    ASSERT_EQ(zone.nodes.size(), 40001u);
    for (std::size_t i = 1; i < zone.nodes.size(); ++i)
        ASSERT_LT(compare_names(zone.nodes[i - 1].name, zone.nodes[i].name), 0) << i;
    const Node* h7 = zone.find(*wire_origin("h7.example.test"));
    ASSERT_NE(h7, nullptr);
    ASSERT_EQ(h7->rrsets.size(), 1u);
    EXPECT_EQ(h7->rrsets[0].rdatas.count(), 2u);  // 10.0.0.1 and 10.0.7.1
    const Node* h0 = zone.find(*wire_origin("h0.example.test"));
    ASSERT_NE(h0, nullptr);
    EXPECT_EQ(h0->rrsets[0].rdatas.count(), 1u);  // 10.0.0.1 three times
}

// Names the sort tells apart by their first eight bytes below the origin and names it must
// compare whole: equal beginnings, labels shorter than eight bytes, upper case, the escaped
// bytes 0 and 1, parents before children. Out of order in, canonical order out.
TEST(BuildZone, NamesWithLongCommonBeginningsComeOutCanonical) {
    const std::vector<std::string> names = {
        "aaaaaaaaaz", "aaaaaaaaa", "AAAAAAAAAB", "a.aaaaaaaa", "aaaaaaaa", "b",
        "a",          "\\000.a",   "\\001.a",    "\\001",      "\\000",    "z.aaaaaaaa",
        "aaaaaaaa.b", "*.a",       "a-",         "a\\000",     "a\\001b",  "_25._tcp.a"};
    std::string text = "$TTL 300\n@ SOA ns1 hostmaster 1 7200 3600 1209600 60\n";
    for (const auto& n : names) text += n + " A 10.0.0.1\n";
    for (int copy = 0; copy < 4000; ++copy) {  // past 65536 records: the sort on two cores
        for (const auto& n : names) text += "x" + std::to_string(copy) + "." + n + " A 10.0.0.1\n";
    }
    auto records = read(text);
    ASSERT_TRUE(records.ok()) << records.error().message;
    ASSERT_GT(records->size(), 65536u);
    const Zone zone = build_zone(*wire_origin("example.test"), std::move(*records));
    ASSERT_EQ(zone.nodes.size(), 1 + names.size() * 4001);
    for (std::size_t i = 1; i < zone.nodes.size(); ++i)
        ASSERT_LT(compare_names(zone.nodes[i - 1].name, zone.nodes[i].name), 0)
            << name_to_text(zone.nodes[i - 1].name) << " / " << name_to_text(zone.nodes[i].name);
}

// build_zone is given names inside the origin; one outside still comes out in canonical order.
TEST(BuildZone, ANameOutsideTheOriginDoesNotBreakTheOrder) {
    std::vector<Record> records;
    for (const char* name : {"b.example.test", "example.test", "a.other.test", "a.example.test",
                             "zzzzzzzzzz.example.test", "other.test"}) {
        Record r;
        r.owner = *wire_origin(name);
        r.type = type_a;
        r.ttl = 300;
        r.rdata = std::string("\x0a\x00\x00\x01", 4);
        records.push_back(r);
    }
    const Zone zone = build_zone(*wire_origin("example.test"), std::move(records));
    ASSERT_EQ(zone.nodes.size(), 6u);
    for (std::size_t i = 1; i < zone.nodes.size(); ++i)
        EXPECT_LT(compare_names(zone.nodes[i - 1].name, zone.nodes[i].name), 0) << i;
}

}  // namespace
}  // namespace dk::zone::sign
