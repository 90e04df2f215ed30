// The RFC 7672 verdict per MX host: one test per rule, in the order a sender applies them.
#include "ops/verdict.h"

#include <gtest/gtest.h>

namespace dk::ops {
namespace {

TlsaRecord record(int usage, int selector = 1, int mtype = 1) {
    return TlsaRecord{static_cast<std::uint8_t>(usage), static_cast<std::uint8_t>(selector),
                      static_cast<std::uint8_t>(mtype), Bytes(32, 0xab)};
}

AddressProbe passed(std::string address) {
    return {std::move(address), true, true, false, ""};
}

HostObservation dane_host() {
    HostObservation h;
    h.host = "mx1.example.test";
    h.records = {record(3)};
    h.probes = {passed("192.0.2.1"), passed("2001:db8::1")};
    return h;
}

TEST(Verdict, EveryAddressMatchingIsVerified) {
    EXPECT_EQ(judge_host(dane_host()).verdict, Verdict::verified);
}

TEST(Verdict, OneAddressMismatchingFailsTheHost) {
    auto h = dane_host();
    h.probes[1] = {"2001:db8::1", true, false, false, "DANE verification failed"};
    const auto v = judge_host(h);
    EXPECT_EQ(v.verdict, Verdict::dane_failed);
    EXPECT_NE(v.reason.find("2001:db8::1"), std::string::npos);
}

TEST(Verdict, OneChainMismatchingFailsTheHost) {
    // 192.0.2.1 presents an ECDSA chain that matches and an RSA chain that does not: a sender
    // that offers only RSA does not deliver there.
    auto h = dane_host();
    h.probes[0].algorithm = "ecdsa";
    h.probes.push_back({"192.0.2.1", true, false, false, "DANE verification failed", "rsa"});
    const auto v = judge_host(h);
    EXPECT_EQ(v.verdict, Verdict::dane_failed);
    EXPECT_NE(v.reason.find("192.0.2.1 (rsa chain)"), std::string::npos) << v.reason;
}

TEST(Verdict, NoStartTlsWithDaneIsAFailure) {
    auto h = dane_host();
    h.probes[0] = {"192.0.2.1", false, false, false, "STARTTLS not offered"};
    EXPECT_EQ(judge_host(h).verdict, Verdict::dane_failed);
}

TEST(Verdict, EveryAddressUnreachableIsTempfail) {
    auto h = dane_host();
    for (auto& p : h.probes) p = {p.address, false, false, true, "connection refused"};
    EXPECT_EQ(judge_host(h).verdict, Verdict::tempfail);
}

TEST(Verdict, SomeAddressesUnreachableIsNotVerified) {
    auto h = dane_host();
    h.probes[1] = {"2001:db8::1", false, false, true, "timeout"};
    EXPECT_EQ(judge_host(h).verdict, Verdict::dane_failed);
}

TEST(Verdict, NoAddressIsTempfail) {
    auto h = dane_host();
    h.probes.clear();
    EXPECT_EQ(judge_host(h).verdict, Verdict::tempfail);
    h.address_problem = "no A or AAAA";
    EXPECT_EQ(judge_host(h).verdict, Verdict::tempfail);
}

TEST(Verdict, InsecureMxMeansNoDaneWhateverTheTlsa) {
    auto h = dane_host();
    h.mx = Lookup::insecure;
    EXPECT_EQ(judge_host(h).verdict, Verdict::insecure);
    h.probes[0].dane_ok = false;  // even a mismatch does not matter then
    EXPECT_EQ(judge_host(h).verdict, Verdict::insecure);
}

TEST(Verdict, ImplicitMxFromASecureDenialStillAppliesDane) {
    auto h = dane_host();
    h.mx = Lookup::secure_denial;
    EXPECT_EQ(judge_host(h).verdict, Verdict::verified);
}

TEST(Verdict, FailedLookupsDefer) {
    auto h = dane_host();
    h.mx = Lookup::failed;
    EXPECT_EQ(judge_host(h).verdict, Verdict::tempfail);
    h = dane_host();
    h.tlsa = Lookup::failed;
    EXPECT_EQ(judge_host(h).verdict, Verdict::tempfail);
}

TEST(Verdict, UnreachableResolverGivesNoVerdict) {
    auto h = dane_host();
    h.mx = Lookup::unreachable;
    EXPECT_EQ(judge_host(h).verdict, Verdict::unknown);
    h = dane_host();
    h.tlsa = Lookup::unreachable;
    EXPECT_EQ(judge_host(h).verdict, Verdict::unknown);
}

TEST(Verdict, TlsaDenialOrInsecureTlsa) {
    auto h = dane_host();
    h.tlsa = Lookup::secure_denial;
    EXPECT_EQ(judge_host(h).verdict, Verdict::no_dane);
    h.tlsa = Lookup::insecure;
    EXPECT_EQ(judge_host(h).verdict, Verdict::insecure);
}

TEST(Verdict, EmptyTlsaWithoutAdIsAnUnvalidatedDenialNotNoDane) {
    // No AD bit on an empty answer: the absence is not proven, so it is no "validated denial";
    // DANE does not apply (RFC 7672 section 2.2) and the reason says the denial is unvalidated.
    auto h = dane_host();
    h.records.clear();
    h.tlsa = Lookup::insecure;
    const auto v = judge_host(h);
    EXPECT_EQ(v.verdict, Verdict::insecure);
    EXPECT_NE(v.reason.find("denial is not DNSSEC-validated"), std::string::npos) << v.reason;
    h.tlsa = Lookup::secure_denial;
    EXPECT_NE(judge_host(h).reason.find("validated denial"), std::string::npos);
}

TEST(Verdict, OnlyPkixRecordsAreUnusable) {
    auto h = dane_host();
    h.records = {record(0), record(1), record(3, 2), record(2, 0, 3)};
    EXPECT_TRUE(usable_records(h.records).empty());
    EXPECT_EQ(judge_host(h).verdict, Verdict::no_dane);
    h.records.push_back(record(2, 0, 2));
    EXPECT_EQ(usable_records(h.records).size(), 1u);
    EXPECT_EQ(judge_host(h).verdict, Verdict::verified);
}

TEST(Verdict, SeverityOrdersTheOverallResult) {
    EXPECT_LT(severity(Verdict::verified), severity(Verdict::no_dane));
    EXPECT_EQ(severity(Verdict::no_dane), severity(Verdict::insecure));
    EXPECT_LT(severity(Verdict::insecure), severity(Verdict::unknown));
    EXPECT_LT(severity(Verdict::unknown), severity(Verdict::tempfail));
    EXPECT_LT(severity(Verdict::tempfail), severity(Verdict::dane_failed));
}

}  // namespace
}  // namespace dk::ops
