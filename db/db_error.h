// SQLiteCpp throws; the store turns every exception into an environment Error naming the step.
#pragma once

#include <exception>
#include <string>

#include "base/error.h"

namespace dk::db {

inline Error db_error(const std::string& what, const std::exception& e) {
    return Error::environment("state database: " + what + ": " + e.what());
}

}  // namespace dk::db
