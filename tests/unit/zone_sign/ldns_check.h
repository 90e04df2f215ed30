// Test helpers: small zones from text, and an independent check of every signature with ldns.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "zone/sign/signer.h"
#include "zone/sign/zone_model.h"

namespace dk::zone::sign::testing {

// A zone built from zone-file text (origin example.test. unless given), not yet prepared.
Zone zone_from_text(const std::string& text, const std::string& origin = "example.test.");

// One RRset as ldns RRs (owner, type) from the zone, and its RRSIGs.
struct LdnsRrset;

// Every signed RRset's signatures verified by ldns_verify_rrsig_keylist_time against the
// zone's own DNSKEY RRset at `now`; returns the problems (empty: all good) and counts checked.
std::vector<std::string> verify_with_ldns(const Zone& zone, TimePoint now, std::size_t* checked);

// A key set with one KSK and one ZSK of `algorithm`.
KeySet two_keys(Algorithm algorithm);

inline TimePoint test_now() {
    return from_unix_seconds(1'800'000'000);
}

}  // namespace dk::zone::sign::testing
