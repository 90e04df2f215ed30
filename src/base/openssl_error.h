// Drain OpenSSL's whole error queue into one message naming the component.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace dk::ossl {

// "what: reason1; reason2" and clears the queue. Safe to call with an empty queue.
std::string drain_errors(std::string_view what);

inline Error error_from_queue(ErrorKind kind, std::string_view what) {
    return Error{kind, drain_errors(what)};
}

}  // namespace dk::ossl
