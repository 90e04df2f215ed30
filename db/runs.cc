// The last run over every slot: one row, replaced by each run.
#include <SQLiteCpp/Statement.h>

#include "db/db_error.h"
#include "db/store.h"

namespace dk::db {

Status Store::record_run(const RunRecord& run) {
    try {
        SQLite::Statement q(*db_,
                            "INSERT OR REPLACE INTO last_run (id, finished_at, result, "
                            "duration_ms) VALUES (1, ?, ?, ?)");
        q.bind(1, static_cast<int64_t>(unix_seconds(run.finished_at)));
        q.bind(2, run.result);
        q.bind(3, static_cast<int64_t>(run.duration_ms));
        q.exec();
        return {};
    } catch (const std::exception& e) {
        return db_error("record the run", e);
    }
}

Result<std::optional<RunRecord>> Store::last_run() {
    try {
        SQLite::Statement q(*db_, "SELECT finished_at, result, duration_ms FROM last_run");
        if (!q.executeStep()) return std::optional<RunRecord>{};
        return std::optional<RunRecord>{RunRecord{from_unix_seconds(q.getColumn(0).getInt64()),
                                                  q.getColumn(1).getInt(),
                                                  q.getColumn(2).getInt64()}};
    } catch (const std::exception& e) {
        return db_error("read the last run", e);
    }
}

}  // namespace dk::db
