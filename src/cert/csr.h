// Certificate signing requests from a key we chose, with the endpoint names as SANs.
#pragma once

#include <string>
#include <vector>

#include "base/openssl_handles.h"
#include "base/result.h"

namespace dk::cert {

// PEM CSR signed by `key`; subject CN = names[0]; subjectAltName = every name.
Result<std::string> make_csr_pem(const EVP_PKEY& key, const std::vector<std::string>& names);

}  // namespace dk::cert
