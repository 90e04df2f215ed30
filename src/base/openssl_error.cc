#include "base/openssl_error.h"

#include <openssl/err.h>

namespace dk::ossl {

std::string drain_errors(std::string_view what) {
    std::string message(what);
    bool first = true;
    unsigned long code = 0;
    while ((code = ERR_get_error()) != 0) {
        const char* reason = ERR_reason_error_string(code);
        message += first ? ": " : "; ";
        message += reason != nullptr ? reason : "unknown OpenSSL error";
        first = false;
    }
    return message;
}

}  // namespace dk::ossl
