// SQLiteCpp throws; the store turns every exception into an Error naming the step: a damaged
// or foreign database file is bad input (it is refused, never rewritten), anything else is the
// environment's (locked, I/O, full disk).
#pragma once

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <exception>
#include <string>

#include "base/error.h"

namespace dk::db {

inline Error db_error(const std::string& what, const std::exception& e) {
    const auto* sqlite = dynamic_cast<const SQLite::Exception*>(&e);
    const int code = sqlite != nullptr ? (sqlite->getErrorCode() & 0xff) : SQLITE_ERROR;
    std::string message = "state database: " + what + ": " + e.what();
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return Error::bad_input(std::move(message));
    return Error::environment(std::move(message));
}

}  // namespace dk::db
