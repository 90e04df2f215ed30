// The schema migrations, compiled in from db/migrations/NNNN_name.sql, applied in order.
#pragma once

#include <vector>

namespace dk::db {

struct Migration {
    const char* name;  // "0001_initial.sql": its number is its schema version
    const char* sql;
};

const std::vector<Migration>& migrations();
const char* expected_schema();

}  // namespace dk::db
