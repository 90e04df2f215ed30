// The RFC 7672 verdict a DANE-validating sender reaches for one MX host, as a pure function of
// what the lookups and probes saw. The shell (danekeeper check) gathers the observations.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/tlsa.h"

namespace dk::ops {

// How a lookup through the validating resolver came out.
enum class Lookup {
    secure,         // answer with the AD bit
    secure_denial,  // NXDOMAIN or NODATA with the AD bit
    insecure,       // answer or denial without the AD bit
    failed,         // SERVFAIL (bogus) or another error rcode: a sender defers
    unreachable,    // the resolver did not answer: we cannot tell
};
std::string_view to_string(Lookup lookup);

// One handshake with one address; an address presenting several chains (RSA and ECDSA) has one
// probe per chain, and every one must pass: a sender may negotiate any of them.
struct AddressProbe {
    std::string address;
    bool tls = false;  // the handshake completed
    bool dane_ok = false;
    bool environment_failure = false;  // refused, timeout: not the server's DANE fault
    std::string problem;
    std::string algorithm;  // the presented chain's key family; empty: no handshake
};

struct HostObservation {
    std::string host;
    int preference = 0;
    Lookup mx = Lookup::secure;  // the MX RRset that named this host
    Lookup tlsa = Lookup::secure;
    std::vector<TlsaRecord> records;  // the TLSA RRset as found
    std::string address_problem;      // set when the host's addresses could not be found
    std::vector<AddressProbe> probes;
    std::vector<std::string> tlsa_cnames;  // the CNAMEs the TLSA RRset was found through
};

enum class Verdict {
    verified,     // DANE applies and every address passed
    dane_failed,  // DANE applies and an address failed it: a sender will not deliver there
    no_dane,      // validated: no (usable) TLSA records; a sender uses opportunistic TLS
    insecure,     // the MX or TLSA answer is not signed: DANE does not apply
    tempfail,     // a lookup failed (bogus, SERVFAIL) or no address answered: a sender defers
    unknown,      // our resolver did not answer: no verdict
};
std::string_view to_string(Verdict verdict);

struct HostVerdict {
    Verdict verdict = Verdict::unknown;
    std::string reason;  // one line, cites the RFC 7672 rule
};

// RFC 7672 section 3.1.3: only DANE-TA(2) and DANE-EE(3) with known selector and matching type
// are usable for SMTP; the others are ignored as if absent.
std::vector<TlsaRecord> usable_records(const std::vector<TlsaRecord>& records);

HostVerdict judge_host(const HostObservation& host);

// Worst first: used for the overall result of several hosts.
int severity(Verdict verdict);

}  // namespace dk::ops
