// Certificates for the key vault's tests, made with OpenSSL in memory: a CA, leaves it issues for
// a given key and names, self-signed leaves; each as PEM text.
#pragma once

#include <string>
#include <vector>

#include "base/clock.h"
#include "base/openssl_handles.h"

namespace dk::service::testing {

struct TestCa {
    ossl::EvpPkeyPtr key;
    ossl::X509Ptr cert;
    std::string pem;
};

TestCa make_ca(const std::string& common_name);

struct LeafSpec {
    std::vector<std::string> names;
    TimePoint not_before;
    TimePoint not_after;
};

// Leaf (serverAuth, the names as subjectAltName) for key, followed by the CA certificate.
std::string issue_chain(const TestCa& ca, EVP_PKEY& key, const LeafSpec& spec);

// A leaf that is its own issuer, signed by key.
std::string self_signed(EVP_PKEY& key, const LeafSpec& spec);

}  // namespace dk::service::testing
